/*
 * calibrate/calib-host.c - identify the machine (see calib-host.h).
 *
 * Sources of the decoding:
 *   - family/model display rules: Intel SDM vol. 2A, CPUID leaf 01H
 *     ("The Extended Family ID needs to be examined only when the Family
 *     ID is 0FH"); AMD64 APM vol. 3, CPUID Fn0000_0001_EAX.
 *   - AMD generations: Linux arch/x86/kernel/cpu/amd.c, bsp_init_amd()
 *     ("Figure out Zen generations", Linux 6.12-6.18); the EPYC codenames
 *     Genoa (19h, 10h-11h) and Turin (1Ah, 00h-02h) from coreboot
 *     src/soc/amd/{genoa_poc,turin_poc}/include/soc/cpu.h.
 *   - Intel server models: Linux arch/x86/include/asm/intel-family.h.
 *   - TLBs: AMD CPUID Fn8000_0005/Fn8000_0006 (APM vol. 3); Intel leaf
 *     18H, deterministic address translation parameters (SDM vol. 2A).
 *   - hypervisor: CPUID.1:ECX[31] is reserved for hypervisors to set (both
 *     vendors); leaf 0x40000000 carries the hypervisor's signature.
 */
#define _GNU_SOURCE
#include "calibrate/calib-host.h"

#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "calibrate/calib-cpu.h"

/* First line of FILE without its newline, or "" (returns false). */
static bool read_line(const char *file, char *buf, size_t len)
{
    FILE *f = fopen(file, "r");
    buf[0] = '\0';
    if (!f)
        return false;
    bool ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    if (!ok)
        buf[0] = '\0';
    return ok;
}

/* The value after "KEY<spaces>:" in a /proc file such as cpuinfo. */
static bool proc_field(const char *file, const char *key, char *buf, size_t len)
{
    FILE *f = fopen(file, "r");
    char line[512];
    size_t klen = strlen(key);
    buf[0] = '\0';
    if (!f)
        return false;
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0)
            continue;
        char *p = line + klen;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':')
            continue;
        p++;
        while (*p == ' ')
            p++;
        p[strcspn(p, "\n")] = '\0';
        snprintf(buf, len, "%s", p);
        found = true;
    }
    fclose(f);
    return found;
}

static void regs_text(const uint32_t *regs, int n, char *out)
{
    memcpy(out, regs, (size_t)n * 4);
    out[n * 4] = '\0';
    for (int i = 0; i < n * 4; i++)
        if (out[i] && !isprint((unsigned char)out[i]))
            out[i] = '?';
}

struct model_range {
    unsigned family, first, last;
    const char *name;
};

/* Linux bsp_init_amd(); the codename only where coreboot names the part. */
static const struct model_range amd_generations[] = {
    { 0x17, 0x00, 0x2f, "Zen" },     { 0x17, 0x50, 0x5f, "Zen" },
    { 0x17, 0x30, 0x4f, "Zen 2" },   { 0x17, 0x60, 0x7f, "Zen 2" },
    { 0x17, 0x90, 0x91, "Zen 2" },   { 0x17, 0xa0, 0xaf, "Zen 2" },
    { 0x19, 0x10, 0x11, "Zen 4 (EPYC 9004 \"Genoa\")" },
    { 0x19, 0x00, 0x0f, "Zen 3" },   { 0x19, 0x20, 0x5f, "Zen 3" },
    { 0x19, 0x12, 0x1f, "Zen 4" },   { 0x19, 0x60, 0xaf, "Zen 4" },
    { 0x1a, 0x00, 0x02, "Zen 5 (EPYC 9005 \"Turin\")" },
    { 0x1a, 0x03, 0x2f, "Zen 5" },   { 0x1a, 0x40, 0x4f, "Zen 5" },
    { 0x1a, 0x60, 0x7f, "Zen 5" },
};

/* intel-family.h: the server parts of the shipped profiles and after. */
static const struct model_range intel_generations[] = {
    { 6, 0x2d, 0x2d, "Sandy Bridge-EP" }, { 6, 0x3e, 0x3e, "Ivy Bridge-EP" },
    { 6, 0x3f, 0x3f, "Haswell-EP" },      { 6, 0x4f, 0x4f, "Broadwell-EP" },
    { 6, 0x55, 0x55, "Skylake-SP (or Cascade/Cooper Lake)" },
    { 6, 0x6a, 0x6a, "Ice Lake-SP" },     { 6, 0x6c, 0x6c, "Ice Lake-D" },
    { 6, 0x8f, 0x8f, "Sapphire Rapids" }, { 6, 0xcf, 0xcf, "Emerald Rapids" },
    { 6, 0xad, 0xad, "Granite Rapids" },  { 6, 0xaf, 0xaf, "Sierra Forest" },
};

static void name_generation(struct calib_host *h)
{
    const struct model_range *t = NULL;
    size_t n = 0;
    const char *vendor_name = "x86";
    if (h->vendor == CALIB_VENDOR_AMD) {
        t = amd_generations;
        n = sizeof amd_generations / sizeof *amd_generations;
        vendor_name = "AMD";
        snprintf(h->generation_source, sizeof h->generation_source,
                 "family/model -> generation: Linux arch/x86/kernel/cpu/amd.c bsp_init_amd() "
                 "(6.12-6.18); EPYC codenames: coreboot src/soc/amd/*_poc/include/soc/cpu.h");
    } else if (h->vendor == CALIB_VENDOR_INTEL) {
        t = intel_generations;
        n = sizeof intel_generations / sizeof *intel_generations;
        vendor_name = "Intel";
        snprintf(h->generation_source, sizeof h->generation_source,
                 "family/model -> generation: Linux arch/x86/include/asm/intel-family.h");
    }
    for (size_t i = 0; i < n; i++)
        if (t[i].family == h->family && h->model >= t[i].first && h->model <= t[i].last) {
            snprintf(h->generation, sizeof h->generation, "%s %s", vendor_name, t[i].name);
            return;
        }
    snprintf(h->generation, sizeof h->generation, "%s family %Xh model %02Xh", vendor_name,
             h->family, h->model);
    if (!h->generation_source[0])
        snprintf(h->generation_source, sizeof h->generation_source, "CPUID leaf 1");
}

static void detect_tlbs(struct calib_host *h, uint32_t max_leaf, uint32_t max_ext)
{
    uint32_t r[4];
    if (h->vendor == CALIB_VENDOR_AMD) {
        if (max_ext >= 0x80000005) {
            calib_cpuid(0x80000005, 0, r);
            h->l1_dtlb_4k = (int)(r[1] >> 16 & 0xff);
        }
        if (max_ext >= 0x80000006) {
            calib_cpuid(0x80000006, 0, r);
            h->l2_dtlb_4k = (int)(r[1] >> 16 & 0xfff);
        }
        snprintf(h->tlb_source, sizeof h->tlb_source,
                 "CPUID Fn8000_0005_EBX[23:16], Fn8000_0006_EBX[27:16] (AMD APM vol. 3)");
    } else if (h->vendor == CALIB_VENDOR_INTEL && max_leaf >= 0x18) {
        calib_cpuid(0x18, 0, r);
        uint32_t max_sub = r[0];
        for (uint32_t s = 0; s <= max_sub && s < 64; s++) {
            calib_cpuid(0x18, s, r);
            unsigned type = r[3] & 0x1f, level = r[3] >> 5 & 0x7;
            if (type == 0 || !(r[1] & 1))   /* invalid subleaf, or no 4K pages */
                continue;
            int entries = (int)((r[1] >> 16) * r[2]);
            if (level == 1 && (type == 1 || type == 4))
                h->l1_dtlb_4k = entries;
            else if (level == 2 && (type == 1 || type == 3))
                h->l2_dtlb_4k = entries;
        }
        snprintf(h->tlb_source, sizeof h->tlb_source, "CPUID leaf 18H (Intel SDM vol. 2A)");
    }
}

static double sysfs_cache_bytes(int cpu, int level, bool data)
{
    char path[128], buf[64];
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/level", cpu, i);
        if (!read_line(path, buf, sizeof buf))
            break;
        if (atoi(buf) != level)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/type", cpu, i);
        read_line(path, buf, sizeof buf);
        if (strcmp(buf, "Instruction") == 0 || (data && strcmp(buf, "Unified") != 0 &&
                                                 strcmp(buf, "Data") != 0))
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/size", cpu, i);
        read_line(path, buf, sizeof buf);
        char *end;
        double v = strtod(buf, &end);
        if (*end == 'K')
            v *= 1024;
        else if (*end == 'M')
            v *= 1024 * 1024;
        return v;
    }
    return 0;
}

void calib_loadavg(double out[3])
{
    char buf[128];
    out[0] = out[1] = out[2] = 0;
    if (read_line("/proc/loadavg", buf, sizeof buf))
        sscanf(buf, "%lf %lf %lf", &out[0], &out[1], &out[2]);
}

/* 5-level paging is in use when the kernel honours a hint above the
 * 47-bit user address space (Documentation/arch/x86/x86_64/5level-paging.rst). */
static int user_paging_levels(void)
{
    void *hint = (void *)((uintptr_t)1 << 52);
    void *p = mmap(hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 4;
    int levels = (uintptr_t)p >= ((uintptr_t)1 << 47) ? 5 : 4;
    munmap(p, 4096);
    return levels;
}

static double mono_raw_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void measure_tsc(struct calib_host *h)
{
    double x[5];
    for (int k = 0; k < 5; k++) {
        double t0 = mono_raw_ns();
        uint64_t c0 = calib_rdtsc();
        struct timespec d = { 0, 20 * 1000 * 1000 };
        nanosleep(&d, NULL);
        uint64_t c1 = calib_rdtsc();
        double t1 = mono_raw_ns();
        x[k] = (double)(c1 - c0) / (t1 - t0);
    }
    calib_stat_of(x, 5, &h->tsc_ghz);
}

static void detect_virt(struct calib_host *h, uint32_t ecx1)
{
    static const struct { const char *sig, *name; } known[] = {
        { "KVMKVMKVM", "KVM" },           { "Microsoft Hv", "Hyper-V" },
        { "VMwareVMware", "VMware" },     { "XenVMMXenVMM", "Xen" },
        { "TCGTCGTCGTCG", "QEMU TCG" },   { "bhyve bhyve ", "bhyve" },
        { "ACRNACRNACRN", "ACRN" },       { "VBoxVBoxVBox", "VirtualBox" },
        { " lrpepyh  vr", "Parallels" },
    };
    uint32_t r[4];
    h->guest = ecx1 >> 31 & 1;
    h->hv_name = h->guest ? "unknown" : "none";
    if (h->guest) {
        calib_cpuid(0x40000000, 0, r);
        regs_text(&r[1], 3, h->hv_signature);
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            if (strncmp(h->hv_signature, known[i].sig, strlen(known[i].sig)) == 0)
                h->hv_name = known[i].name;
    }
    read_line("/sys/hypervisor/type", h->sys_hypervisor, sizeof h->sys_hypervisor);

    /* systemd-detect-virt --vm prints the VM technology, or "none"; the
     * shell's 127 means it is not installed. */
    FILE *p = popen("systemd-detect-virt --vm 2>/dev/null", "r");
    if (p) {
        char buf[64] = "";
        if (!fgets(buf, sizeof buf, p))
            buf[0] = '\0';
        int st = pclose(p);
        buf[strcspn(buf, "\n")] = '\0';
        if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 127 && buf[0])
            snprintf(h->detect_virt, sizeof h->detect_virt, "%.31s", buf);
    }
}

void calib_host_detect(struct calib_host *h)
{
    uint32_t r[4];
    memset(h, 0, sizeof *h);
    h->cpus[0] = h->cpus[1] = -1;
    h->virt_ext = "none";
    h->walk_name = "EPT";

    calib_cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    uint32_t vid[3] = { r[1], r[3], r[2] };   /* EBX, EDX, ECX spell the vendor */
    regs_text(vid, 3, h->vendor_id);
    if (strcmp(h->vendor_id, "AuthenticAMD") == 0) {
        h->vendor = CALIB_VENDOR_AMD;
        h->virt_ext = "SVM with nested page tables (NPT)";
        h->walk_name = "NPT";
    } else if (strcmp(h->vendor_id, "GenuineIntel") == 0) {
        h->vendor = CALIB_VENDOR_INTEL;
        h->virt_ext = "VT-x with extended page tables (EPT)";
    }
    calib_cpuid(1, 0, r);
    uint32_t ecx1 = r[2];
    h->signature = r[0];
    unsigned base_family = r[0] >> 8 & 0xf, base_model = r[0] >> 4 & 0xf;
    h->stepping = r[0] & 0xf;
    h->family = base_family == 0xf ? base_family + (r[0] >> 20 & 0xff) : base_family;
    bool ext_model = base_family == 0xf || (h->vendor == CALIB_VENDOR_INTEL && base_family == 6);
    h->model = ext_model ? (r[0] >> 16 & 0xf) << 4 | base_model : base_model;

    calib_cpuid(0x80000000, 0, r);
    uint32_t max_ext = r[0];
    if (max_ext >= 0x80000004) {
        uint32_t b[12];
        for (uint32_t i = 0; i < 3; i++)
            calib_cpuid(0x80000002 + i, 0, &b[4 * i]);
        regs_text(b, 12, h->brand);
        /* trim the padding some parts put around the name */
        char *s = h->brand;
        while (*s == ' ')
            s++;
        memmove(h->brand, s, strlen(s) + 1);
        for (size_t n = strlen(h->brand); n > 0 && h->brand[n - 1] == ' '; n--)
            h->brand[n - 1] = '\0';
    }
    if (max_ext >= 0x80000007) {
        calib_cpuid(0x80000007, 0, r);
        h->tsc_invariant = r[3] >> 8 & 1;
    }
    proc_field("/proc/cpuinfo", "model name", h->cpuinfo_model, sizeof h->cpuinfo_model);
    name_generation(h);
    detect_tlbs(h, max_leaf, max_ext);
    detect_virt(h, ecx1);

    struct utsname u;
    if (uname(&u) == 0)
        snprintf(h->kernel, sizeof h->kernel, "%s %s %s", u.sysname, u.release, u.machine);
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(h->date, sizeof h->date, "%Y-%m-%dT%H:%M:%SZ", &tm);

    h->ncpus_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        h->ncpus_allowed = CPU_COUNT(&set);
        int k = 0;
        for (int c = 0; c < CPU_SETSIZE && k < 2; c++)
            if (CPU_ISSET(c, &set))
                h->cpus[k++] = c;
    }
    char buf[64];
    if (read_line("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf)) {
        char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;
        if (a && b)
            snprintf(h->thp_mode, sizeof h->thp_mode, "%.*s", (int)(b - a - 1), a + 1);
    }
    if (!h->thp_mode[0])
        snprintf(h->thp_mode, sizeof h->thp_mode, "unknown");
    h->guest_levels = user_paging_levels();
    if (proc_field("/proc/meminfo", "MemAvailable", buf, sizeof buf))
        h->mem_available = strtod(buf, NULL) * 1024.0;   /* "N kB" */
    calib_loadavg(h->load_before);

    int cpu = h->cpus[0] >= 0 ? h->cpus[0] : 0;
    h->l1d_bytes = sysfs_cache_bytes(cpu, 1, true);
    h->l2_bytes = sysfs_cache_bytes(cpu, 2, true);
    h->l3_bytes = sysfs_cache_bytes(cpu, 3, true);
    measure_tsc(h);
}

void calib_host_summary(const struct calib_host *h, char *buf, size_t len)
{
    char virt[160];
    if (h->guest)
        snprintf(virt, sizeof virt, "a %s guest (CPUID hypervisor bit; signature \"%s\"%s%s)",
                 h->hv_name, h->hv_signature, h->detect_virt[0] ? "; systemd-detect-virt: " : "",
                 h->detect_virt);
    else
        snprintf(virt, sizeof virt, "not a guest (CPUID hypervisor bit clear)");
    snprintf(buf, len, "%s (CPUID 1 signature 0x%08X, family %Xh model %02Xh stepping %u; "
             "brand \"%s\"), %s, %s", h->generation, h->signature, h->family, h->model,
             h->stepping, h->brand[0] ? h->brand : h->cpuinfo_model, virt, h->kernel);
}
