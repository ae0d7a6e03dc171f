/*
 * calibrate/calib-host.h - what machine the calibration runs on: vendor,
 * CPU generation, kernel, whether it is a guest and under which
 * hypervisor, caches and TLBs, the TSC clock, and how busy it was.  Every
 * measured value of the profile names this in its source.
 */
#ifndef CALIBRATE_CALIB_HOST_H
#define CALIBRATE_CALIB_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "calibrate/calib-stats.h"

enum calib_vendor { CALIB_VENDOR_OTHER, CALIB_VENDOR_INTEL, CALIB_VENDOR_AMD };

struct calib_host {
    /* CPU */
    enum calib_vendor vendor;
    char vendor_id[13];         /* CPUID leaf 0: "AuthenticAMD", "GenuineIntel" */
    char brand[49];             /* CPUID brand string (a hypervisor may mask it) */
    char cpuinfo_model[128];    /* /proc/cpuinfo "model name", or "" */
    unsigned signature;         /* CPUID.1:EAX */
    unsigned family, model, stepping;   /* displayed family/model (SDM/APM rules) */
    char generation[96];        /* "Zen 5 (EPYC 9005 \"Turin\")", "Skylake-SP", ... */
    char generation_source[200];   /* where the family/model -> name mapping is from */
    const char *virt_ext;       /* "SVM with nested page tables (NPT)" or "VT-x with EPT" */
    const char *walk_name;      /* "NPT" or "EPT": the second dimension of the walk */

    /* Virtualisation, seen from inside */
    bool guest;                 /* CPUID.1:ECX[31], the hypervisor-present bit */
    char hv_signature[13];      /* CPUID 0x40000000 EBX,ECX,EDX, printable */
    const char *hv_name;        /* "KVM", "Hyper-V", ... or "unknown" / "none" */
    char sys_hypervisor[32];    /* /sys/hypervisor/type, "" if absent */
    char detect_virt[32];       /* `systemd-detect-virt --vm`, "" if not installed */

    /* Operating system */
    char kernel[200];           /* uname -s -r -m */
    char date[32];              /* ISO 8601, UTC, when detection ran */
    int ncpus_online;
    int cpus[2];                /* the first two CPUs this process may run on; -1 = none */
    int ncpus_allowed;
    char thp_mode[16];          /* transparent_hugepage/enabled: "always", "madvise", "never" */
    int guest_levels;           /* 5 if user addresses above 2^47 are mapped (LA57 in use), else 4 */
    double mem_available;       /* bytes, /proc/meminfo MemAvailable (0 = unknown) */
    double load_before[3];      /* /proc/loadavg at detection */

    /* Caches (sysfs, bytes; 0 = unknown) and TLBs (CPUID, entries; 0 = unknown) */
    double l1d_bytes, l2_bytes, l3_bytes;
    int l1_dtlb_4k, l2_dtlb_4k;
    char tlb_source[120];

    /* TSC rate: RDTSC ticks against CLOCK_MONOTONIC_RAW, 5 runs of 20 ms */
    struct calib_stat tsc_ghz;
    bool tsc_invariant;         /* CPUID 0x80000007:EDX[8] */
};

/* Fill h from CPUID, /proc, /sys and uname (about 0.1 s: the TSC runs).
 * Nothing here fails: what cannot be read is left empty or 0. */
void calib_host_detect(struct calib_host *h);

/* "CPU, guest of HV, kernel K" in one line, for sources and the log. */
void calib_host_summary(const struct calib_host *h, char *buf, size_t len);

/* /proc/loadavg's three averages (zeros if unreadable). */
void calib_loadavg(double out[3]);

#endif /* CALIBRATE_CALIB_HOST_H */
