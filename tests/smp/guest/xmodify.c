// xmodify: cross-modifying code. One thread keeps rewriting a tiny function (addi a0,x0,V;
// ret) and publishes V after __riscv_flush_icache (the riscv_flush_icache system call: a
// FENCE.I on every hart running this process, through SBI remote fence.i); another thread,
// on another CPU, keeps calling the function. Once it has seen V published, the function
// must never return an older version. Runs inside the guest (cross-compiled, static).
//
// usage: xmodify [-n VERSIONS] [-a CPU] [-b CPU]   exit 0 and "xmodify: PASS", or 1.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/cachectl.h>
#include <sys/mman.h>
#include <unistd.h>

static uint32_t* g_code;
static atomic_long g_published; // newest version whose flush has completed
static atomic_long g_seen;      // newest version the caller has checked
static long g_versions = 2000;
static int g_cpu[2] = { 0, 1 };
static long g_stale, g_calls, g_ahead;
static long g_first_stale_got = -1, g_first_stale_want = -1;

static uint32_t addi_a0(long v) { return (uint32_t)(v & 0xfff) << 20 | 10u << 7 | 0x13u; }

static void pin_to_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        fprintf(stderr, "xmodify: cannot pin to cpu %d (continuing unpinned)\n", cpu);
}

static void* caller(void* arg)
{
    (void)arg;
    pin_to_cpu(g_cpu[1]);
    long (*fn)(void) = (long (*)(void))(uintptr_t)g_code;
    for (;;) {
        long p = atomic_load_explicit(&g_published, memory_order_acquire);
        long got = fn();
        ++g_calls;
        if (got < p) {
            if (g_stale++ == 0)
                g_first_stale_got = got, g_first_stale_want = p;
        } else if (got > p) {
            ++g_ahead; // the new code is visible before it was published: allowed
        }
        if (p > atomic_load_explicit(&g_seen, memory_order_relaxed))
            atomic_store_explicit(&g_seen, p, memory_order_release);
        if (p == g_versions)
            return NULL;
    }
}

int main(int argc, char** argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "n:a:b:")) != -1) {
        switch (opt) {
        case 'n': g_versions = atol(optarg); break;
        case 'a': g_cpu[0] = atoi(optarg); break;
        case 'b': g_cpu[1] = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: xmodify [-n VERSIONS] [-a CPU] [-b CPU]\n");
            return 2;
        }
    }
    if (g_versions < 1 || g_versions > 2047) {
        fprintf(stderr, "xmodify: -n must be 1..2047 (the version is an addi immediate)\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    pin_to_cpu(g_cpu[0]);
    g_code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g_code == MAP_FAILED) {
        perror("xmodify: mmap RWX");
        return 1;
    }
    // Written from this CPU first, so its TLB holds the page writable before anyone runs it.
    g_code[0] = addi_a0(0);
    g_code[1] = 0x00008067; // ret
    __riscv_flush_icache(g_code, g_code + 2, 0);

    pthread_t t;
    if (pthread_create(&t, NULL, caller, NULL) != 0) {
        perror("xmodify: pthread_create");
        return 1;
    }
    for (long v = 1; v <= g_versions; ++v) {
        __atomic_store_n(&g_code[0], addi_a0(v), __ATOMIC_RELAXED);
        __riscv_flush_icache(g_code, g_code + 2, 0);
        atomic_store_explicit(&g_published, v, memory_order_release);
        while (atomic_load_explicit(&g_seen, memory_order_acquire) < v) { }
    }
    pthread_join(t, NULL);
    printf("xmodify: %ld versions on cpus %d -> %d, %ld calls, %ld ahead of publication, %ld stale\n", g_versions,
        g_cpu[0], g_cpu[1], g_calls, g_ahead, g_stale);
    if (g_stale)
        printf("xmodify: first stale call returned version %ld after version %ld was published and flushed\n",
            g_first_stale_got, g_first_stale_want);
    printf("xmodify: %s\n", g_stale ? "FAIL" : "PASS");
    return g_stale ? 1 : 0;
}
