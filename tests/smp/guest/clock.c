// clock: user-mode time on one CPU: the vDSO's clock_gettime (rdtime in U-mode, allowed when
// the firmware sets scounteren.TM, as OpenSBI does), and a raw rdtime/rdcycle/rdinstret.
// Runs inside the guest (cross-compiled, static); pin it with taskset to test each hart.
//
// usage: clock   Prints "clock: cpu=N vdso-ns=... rdtime=... ok" and exits 0, or is killed
// by SIGILL where U-mode may not read the counters.
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct timespec a, b, s;
    clock_gettime(CLOCK_MONOTONIC, &a); // vDSO
    uint64_t t0, t1;
    __asm__ volatile("rdtime %0" : "=r"(t0));
    for (volatile int i = 0; i < 100000; ++i) { }
    __asm__ volatile("rdtime %0" : "=r"(t1));
    clock_gettime(CLOCK_MONOTONIC, &b);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &s);
    int64_t vdso_ns = (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
    // The vDSO and the system call read one clock: the syscall's value is not earlier.
    int64_t skew_ns = (int64_t)(s.tv_sec - b.tv_sec) * 1000000000 + (s.tv_nsec - b.tv_nsec);
    int ok = vdso_ns > 0 && t1 > t0 && skew_ns >= 0;
    printf("clock: cpu=%d vdso-ns=%lld rdtime-ticks=%llu syscall-after-vdso-ns=%lld %s\n", sched_getcpu(),
        (long long)vdso_ns, (unsigned long long)(t1 - t0), (long long)skew_ns, ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
