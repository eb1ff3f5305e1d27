// atomics: N threads, one per CPU, hammer RISC-V AMOs, LR/SC and amoswap spinlocks and C11
// atomics; every final count must be exact. Runs inside the guest (cross-compiled, static).
//
// usage: atomics [-t THREADS] [-n ITERATIONS] [-r RUNS]
// Prints one line per check and run, "atomics: PASS" and exits 0, or names each wrong count
// and exits 1.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { kMaxThreads = 16 };

// Each shared word on its own 64-byte line, so the checks do not disturb each other
// (except where sharing a word is the point: the byte counters).
struct Line {
    _Alignas(64) uint64_t v;
};

static struct Line amo_w;          // amoadd.w
static struct Line amo_d;          // amoadd.d
static struct Line amo_max;        // amomax.d
static struct Line amo_or;         // amoor.d, one bit per (thread, iteration mod 8)
static struct Line swap_lock;      // amoswap.w.aq / amoswap.w.rl spinlock ...
static struct Line swap_counter;   // ... protecting this plain counter
static struct Line swap_pair[2];   // ... and two plain words that must stay equal
static struct Line lrsc_lock;      // lr.w.aq / sc.w spinlock ...
static struct Line lrsc_counter;   // ... protecting this plain counter
static struct Line c11_add;        // atomic_fetch_add (amoadd.d)
static struct Line c11_cas;        // atomic_compare_exchange_weak loop (lr.d/sc.d)
static struct Line c11_cas_mix;    // CAS loop with a non-commutative update, checked by sum
static _Alignas(64) _Atomic uint8_t c11_bytes[8]; // per-thread byte counters in one word (masked lr.w/sc.w)

static int g_threads = 4;
static long g_iterations = 20000;
static atomic_int g_ready;
static atomic_int g_go;
static int g_cpu_seen[kMaxThreads];
static atomic_long g_lock_spins;

static inline void amoadd_w(uint64_t* p, int32_t v)
{
    __asm__ volatile("amoadd.w zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
}

static inline void amoadd_d(uint64_t* p, int64_t v)
{
    __asm__ volatile("amoadd.d zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
}

static inline void amomax_d(uint64_t* p, int64_t v)
{
    __asm__ volatile("amomax.d zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
}

static inline void amoor_d(uint64_t* p, uint64_t v)
{
    __asm__ volatile("amoor.d zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
}

// Test-and-test-and-set with amoswap.w.aq; release with amoswap.w.rl.
static inline void swap_lock_acquire(uint64_t* lock)
{
    uint32_t old;
    for (;;) {
        __asm__ volatile("amoswap.w.aq %0, %2, (%1)" : "=&r"(old) : "r"(lock), "r"(1) : "memory");
        if (old == 0)
            return;
        while (__atomic_load_n((uint32_t*)lock, __ATOMIC_RELAXED) != 0)
            atomic_fetch_add_explicit(&g_lock_spins, 1, memory_order_relaxed);
    }
}

static inline void swap_lock_release(uint64_t* lock)
{
    __asm__ volatile("amoswap.w.rl zero, zero, (%0)" : : "r"(lock) : "memory");
}

// lr.w.aq / sc.w loop; release is fence rw,w + a plain store (what Linux does).
static inline void lrsc_lock_acquire(uint64_t* lock)
{
    uint32_t tmp;
    for (;;) {
        __asm__ volatile(
            "1: lr.w.aq %0, (%1)\n"
            "   bnez %0, 2f\n"
            "   sc.w %0, %2, (%1)\n"
            "   bnez %0, 1b\n"
            "2:\n"
            : "=&r"(tmp)
            : "r"(lock), "r"(1)
            : "memory");
        if (tmp == 0)
            return;
        while (__atomic_load_n((uint32_t*)lock, __ATOMIC_RELAXED) != 0)
            atomic_fetch_add_explicit(&g_lock_spins, 1, memory_order_relaxed);
    }
}

static inline void lrsc_lock_release(uint64_t* lock)
{
    __asm__ volatile("fence rw, w\n sw zero, 0(%0)" : : "r"(lock) : "memory");
}

static void pin_to_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    // Best effort: with fewer CPUs than threads the threads share CPUs (still correct).
    sched_setaffinity(0, sizeof(set), &set);
}

static void* worker(void* arg)
{
    int id = (int)(intptr_t)arg;
    int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
    pin_to_cpu(id % (ncpu > 0 ? ncpu : 1));
    g_cpu_seen[id] = sched_getcpu();
    atomic_fetch_add(&g_ready, 1);
    while (!atomic_load_explicit(&g_go, memory_order_acquire)) { }

    long n = g_iterations;
    for (long i = 0; i < n; ++i) {
        amoadd_w(&amo_w.v, 1);
        amoadd_d(&amo_d.v, (int64_t)1 << 33 | 1); // carries across the 32-bit halves
        amomax_d(&amo_max.v, (int64_t)id * n + i);
        amoor_d(&amo_or.v, 1ull << ((id * 8 + (i & 7)) & 63));

        swap_lock_acquire(&swap_lock.v);
        // Plain, non-atomic read-modify-writes: only the lock makes them exact.
        uint64_t c = *(volatile uint64_t*)&swap_counter.v;
        *(volatile uint64_t*)&swap_counter.v = c + 1;
        uint64_t a = *(volatile uint64_t*)&swap_pair[0].v;
        *(volatile uint64_t*)&swap_pair[0].v = a + 3;
        uint64_t b = *(volatile uint64_t*)&swap_pair[1].v;
        *(volatile uint64_t*)&swap_pair[1].v = b + 3;
        swap_lock_release(&swap_lock.v);

        lrsc_lock_acquire(&lrsc_lock.v);
        c = *(volatile uint64_t*)&lrsc_counter.v;
        *(volatile uint64_t*)&lrsc_counter.v = c + 1;
        lrsc_lock_release(&lrsc_lock.v);

        atomic_fetch_add((_Atomic uint64_t*)&c11_add.v, 1);

        uint64_t old = atomic_load_explicit((_Atomic uint64_t*)&c11_cas.v, memory_order_relaxed);
        while (!atomic_compare_exchange_weak((_Atomic uint64_t*)&c11_cas.v, &old, old + 1)) { }

        // Non-commutative update x -> x*5+id+1 (mod 2^64) packed as (count << 40 | low bits):
        // we only check that exactly threads*n updates landed, via the count field.
        old = atomic_load_explicit((_Atomic uint64_t*)&c11_cas_mix.v, memory_order_relaxed);
        for (;;) {
            uint64_t count = (old >> 40) + 1;
            uint64_t low = ((old & ((1ull << 40) - 1)) * 5 + (uint64_t)id + 1) & ((1ull << 40) - 1);
            if (atomic_compare_exchange_weak((_Atomic uint64_t*)&c11_cas_mix.v, &old, count << 40 | low))
                break;
        }

        // Byte atomics are lr.w/sc.w on the containing word with a mask; neighbours collide.
        atomic_fetch_add(&c11_bytes[id % 8], 1);
    }
    return NULL;
}

static int check(char const* what, int run, uint64_t got, uint64_t want)
{
    if (got == want) {
        printf("run %d %-14s %llu ok\n", run, what, (unsigned long long)got);
        return 0;
    }
    printf("run %d %-14s %llu WRONG, expected %llu (lost %lld)\n", run, what, (unsigned long long)got,
        (unsigned long long)want, (long long)(want - got));
    return 1;
}

// Through the system call, not the vDSO: the timing is informational, and the vDSO's
// user-mode rdtime is checked by its own test (clock.c).
static double now_seconds(void)
{
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv)
{
    int runs = 3;
    int opt;
    while ((opt = getopt(argc, argv, "t:n:r:")) != -1) {
        switch (opt) {
        case 't': g_threads = atoi(optarg); break;
        case 'n': g_iterations = atol(optarg); break;
        case 'r': runs = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: atomics [-t THREADS] [-n ITERATIONS] [-r RUNS]\n");
            return 2;
        }
    }
    if (g_threads < 1 || g_threads > kMaxThreads || g_iterations < 1 || runs < 1) {
        fprintf(stderr, "atomics: threads must be 1..%d, iterations and runs >= 1\n", kMaxThreads);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("atomics: %d threads, %ld iterations each, %d runs, %ld CPUs online\n", g_threads, g_iterations,
        runs, sysconf(_SC_NPROCESSORS_ONLN));

    int bad = 0;
    for (int run = 1; run <= runs; ++run) {
        memset(&amo_w, 0, sizeof amo_w);
        memset(&amo_d, 0, sizeof amo_d);
        memset(&amo_max, 0, sizeof amo_max);
        memset(&amo_or, 0, sizeof amo_or);
        memset(&swap_lock, 0, sizeof swap_lock);
        memset(&swap_counter, 0, sizeof swap_counter);
        memset(swap_pair, 0, sizeof swap_pair);
        memset(&lrsc_lock, 0, sizeof lrsc_lock);
        memset(&lrsc_counter, 0, sizeof lrsc_counter);
        memset(&c11_add, 0, sizeof c11_add);
        memset(&c11_cas, 0, sizeof c11_cas);
        memset(&c11_cas_mix, 0, sizeof c11_cas_mix);
        for (int i = 0; i < 8; ++i)
            atomic_store(&c11_bytes[i], 0);
        atomic_store(&g_ready, 0);
        atomic_store(&g_go, 0);
        atomic_store(&g_lock_spins, 0);

        pthread_t tids[kMaxThreads];
        for (int t = 0; t < g_threads; ++t) {
            int rc = pthread_create(&tids[t], NULL, worker, (void*)(intptr_t)t);
            if (rc != 0) {
                printf("atomics: pthread_create: %s\n", strerror(rc));
                return 1;
            }
        }
        while (atomic_load(&g_ready) != g_threads) { }
        double t0 = now_seconds();
        atomic_store_explicit(&g_go, 1, memory_order_release);
        for (int t = 0; t < g_threads; ++t)
            pthread_join(tids[t], NULL);
        double t1 = now_seconds();

        printf("run %d threads on cpus:", run);
        for (int t = 0; t < g_threads; ++t)
            printf(" %d", g_cpu_seen[t]);
        printf("; %.2f s, %ld lock spins\n", t1 - t0, atomic_load(&g_lock_spins));

        uint64_t total = (uint64_t)g_threads * (uint64_t)g_iterations;
        uint64_t or_want = 0;
        for (int t = 0; t < g_threads; ++t)
            for (long i = 0; i < g_iterations && i < 8; ++i)
                or_want |= 1ull << ((t * 8 + i) & 63);
        bad += check("amoadd.w", run, (uint32_t)amo_w.v, (uint32_t)total);
        bad += check("amoadd.d", run, amo_d.v, total * ((1ull << 33) | 1));
        bad += check("amomax.d", run, amo_max.v, (uint64_t)(g_threads - 1) * g_iterations + g_iterations - 1);
        bad += check("amoor.d", run, amo_or.v, or_want);
        bad += check("amoswap-lock", run, swap_counter.v, total);
        bad += check("amoswap-pair", run, swap_pair[0].v + swap_pair[1].v, total * 6);
        bad += check("lr/sc-lock", run, lrsc_counter.v, total);
        bad += check("c11-fetch_add", run, c11_add.v, total);
        bad += check("c11-cas", run, c11_cas.v, total);
        bad += check("c11-cas-mix", run, c11_cas_mix.v >> 40, total & ((1ull << 24) - 1));
        for (int b = 0; b < 8 && b < g_threads; ++b) {
            uint64_t want = 0;
            for (int t = b; t < g_threads; t += 8)
                want += (uint64_t)g_iterations;
            char name[32];
            snprintf(name, sizeof name, "c11-byte[%d]", b);
            bad += check(name, run, atomic_load(&c11_bytes[b]), want & 0xff);
        }
    }
    printf("atomics: %s\n", bad ? "FAIL" : "PASS");
    return bad ? 1 : 0;
}
