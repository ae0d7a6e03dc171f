/*
 * calibrate/calib-cpu.h - the instructions only an x86-64 CPU has: CPUID
 * (to identify the CPU and, in a guest, as the exit that always happens),
 * the hypercall instruction (VMMCALL on AMD, VMCALL on Intel), RDTSC.
 *
 * Elsewhere every function here reports "not supported on this
 * architecture": the calibration measures x86 virtualisation (VT-x/EPT,
 * SVM/NPT) and has nothing to time without these instructions.
 */
#ifndef CALIBRATE_CALIB_CPU_H
#define CALIBRATE_CALIB_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "calibrate/calib-stats.h"
#include "base/error.h"

/* True on x86-64; otherwise calib_arch_check fails with the message. */
bool calib_arch_supported(void);
int calib_arch_check(struct sim_error *err);

/* CPUID leaf/subleaf into r[0..3] = EAX, EBX, ECX, EDX (zeros elsewhere). */
void calib_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/* Time stamp counter (0 elsewhere). */
uint64_t calib_rdtsc(void);

/* Which hypercall instruction the vendor has. */
enum calib_hypercall { CALIB_VMCALL, CALIB_VMMCALL };

/* Whether one hypercall from user mode returns (a KVM guest answers
 * -KVM_EPERM to ring 3) rather than faulting; tried in a child process, so
 * a #UD or #GP kills only the child.  No state is changed by the call. */
bool calib_hypercall_returns(enum calib_hypercall insn);

/* Best-of-runs timing of an instruction that always exits in a guest:
 * `runs` runs of `iters` back-to-back executions, each run's mean in ns
 * into x[0..runs-1].  The caller pins the thread.  CPUID leaf 0 is used:
 * it is intercepted unconditionally by VT-x (SDM vol. 3, "Instructions
 * That Cause VM Exits Unconditionally") and by KVM on SVM. */
void calib_time_cpuid(long iters, int runs, double *x);
void calib_time_hypercall(enum calib_hypercall insn, long iters, int runs, double *x);

#endif /* CALIBRATE_CALIB_CPU_H */
