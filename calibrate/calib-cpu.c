/*
 * calibrate/calib-cpu.c - x86-64 instructions for the calibration; inline
 * assembly only under __x86_64__, a clear refusal elsewhere.
 *
 * Timing loops use CLOCK_MONOTONIC around many back-to-back executions
 * (lmbench's way: a loop long enough that the clock's cost and resolution
 * vanish), not RDTSC around each one: in a guest RDTSC may itself be
 * intercepted or offset, and the mean over 10^4-10^5 exits is what the
 * model prices.
 */
#define _GNU_SOURCE
#include "calibrate/calib-cpu.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

bool calib_arch_supported(void) { return true; }

int calib_arch_check(struct sim_error *err)
{
    (void)err;
    return 0;
}

void calib_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    uint32_t a = leaf, b, c = subleaf, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d) : : "memory");
    r[0] = a;
    r[1] = b;
    r[2] = c;
    r[3] = d;
}

uint64_t calib_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* KVM's hypercall ABI: number in RAX, arguments in RBX, RCX, RDX, RSI,
 * result in RAX (Documentation/virt/kvm/x86/hypercalls.rst).  Number 0 is
 * no hypercall, and from ring 3 KVM returns -KVM_EPERM before looking at
 * it (kvm_emulate_hypercall), so the call does nothing but exit. */
static inline long hypercall(enum calib_hypercall insn)
{
    long rax = 0;
    if (insn == CALIB_VMMCALL)
        __asm__ volatile("vmmcall" : "+a"(rax) : : "rbx", "rcx", "rdx", "rsi", "memory");
    else
        __asm__ volatile("vmcall" : "+a"(rax) : : "rbx", "rcx", "rdx", "rsi", "memory");
    return rax;
}

bool calib_hypercall_returns(enum calib_hypercall insn)
{
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        alarm(5);   /* a hypervisor that never returns must not hang us */
        hypercall(insn);
        _exit(0);
    }
    int st;
    pid_t got;
    while ((got = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
        ;
    return got == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

void calib_time_cpuid(long iters, int runs, double *x)
{
    uint32_t r[4];
    for (int k = 0; k < runs; k++) {
        double t0 = now_ns();
        for (long i = 0; i < iters; i++)
            calib_cpuid(0, 0, r);
        x[k] = (now_ns() - t0) / (double)iters;
    }
}

void calib_time_hypercall(enum calib_hypercall insn, long iters, int runs, double *x)
{
    for (int k = 0; k < runs; k++) {
        double t0 = now_ns();
        for (long i = 0; i < iters; i++)
            hypercall(insn);
        x[k] = (now_ns() - t0) / (double)iters;
    }
}

#else /* not x86-64: calib_run refuses before any of these is reached */

bool calib_arch_supported(void) { return false; }

int calib_arch_check(struct sim_error *err)
{
    return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                         "calibrate: not supported on this architecture (it times x86-64 "
                         "VM exits with CPUID and VMCALL/VMMCALL; see docs/CALIBRATE.md)");
}

void calib_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    (void)leaf;
    (void)subleaf;
    memset(r, 0, 4 * sizeof *r);
}

uint64_t calib_rdtsc(void) { return 0; }

bool calib_hypercall_returns(enum calib_hypercall insn)
{
    (void)insn;
    return false;
}

void calib_time_cpuid(long iters, int runs, double *x)
{
    (void)iters;
    for (int k = 0; k < runs; k++)
        x[k] = 0;
}

void calib_time_hypercall(enum calib_hypercall insn, long iters, int runs, double *x)
{
    (void)insn;
    calib_time_cpuid(iters, runs, x);
}

#endif
