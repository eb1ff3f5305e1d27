// litmus: RVWMO litmus tests on two CPUs: message passing, store buffering and load buffering,
// with the fences RVWMO requires (a forbidden outcome must never appear) and without them
// (reordering is allowed; the histogram shows whether this machine ever reorders).
// Runs inside the guest (cross-compiled, static).
//
// usage: litmus [-n INSTANCES] [-a CPU] [-b CPU]
// Prints the histogram of (r0,r1) per test, "litmus: PASS" and exits 0, or exits 1 when a
// forbidden outcome appeared.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kBatch = 512 };

// One instance per slot; x and y of a slot on different cache lines, as in real code.
struct Slot {
    _Alignas(64) int x;
    _Alignas(64) int y;
};

static struct Slot g_slots[kBatch];
// Results per thread and slot: r[0] and r[1] as each thread left them. A register is written
// only by the thread that owns it in the test, so the outcome is the OR of both threads' views.
static int g_res[2][kBatch][2];

typedef void (*Part)(struct Slot* s, int* r);

// --- MP: T0 data=1; flag=1 / T1 r0=flag; r1=data. Forbidden with fences: r0=1, r1=0.
static void mp_fenced_t0(struct Slot* s, int* r)
{
    (void)r;
    __asm__ volatile("sw %1, 0(%0)\n fence w, w\n sw %1, 0(%2)" : : "r"(&s->x), "r"(1), "r"(&s->y) : "memory");
}
static void mp_fenced_t1(struct Slot* s, int* r)
{
    int a, b;
    __asm__ volatile("lw %0, 0(%2)\n fence r, r\n lw %1, 0(%3)" : "=&r"(a), "=&r"(b) : "r"(&s->y), "r"(&s->x) : "memory");
    r[0] = a, r[1] = b;
}
static void mp_plain_t0(struct Slot* s, int* r)
{
    (void)r;
    __asm__ volatile("sw %1, 0(%0)\n sw %1, 0(%2)" : : "r"(&s->x), "r"(1), "r"(&s->y) : "memory");
}
static void mp_plain_t1(struct Slot* s, int* r)
{
    int a, b;
    __asm__ volatile("lw %0, 0(%2)\n lw %1, 0(%3)" : "=&r"(a), "=&r"(b) : "r"(&s->y), "r"(&s->x) : "memory");
    r[0] = a, r[1] = b;
}
// MP with a spinning reader: while (!flag); fence r,r; r1 = data. r0 is always 1.
static void mp_spin_t1(struct Slot* s, int* r)
{
    int a, b;
    __asm__ volatile("1: lw %0, 0(%2)\n beqz %0, 1b\n fence r, r\n lw %1, 0(%3)"
                     : "=&r"(a), "=&r"(b) : "r"(&s->y), "r"(&s->x) : "memory");
    r[0] = a, r[1] = b;
}

// --- SB: T0 x=1; r0=y / T1 y=1; r1=x. Forbidden with fence rw,rw: r0=0, r1=0.
static void sb_fenced_t0(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("sw %2, 0(%1)\n fence rw, rw\n lw %0, 0(%3)" : "=&r"(a) : "r"(&s->x), "r"(1), "r"(&s->y) : "memory");
    r[0] = a;
}
static void sb_fenced_t1(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("sw %2, 0(%1)\n fence rw, rw\n lw %0, 0(%3)" : "=&r"(a) : "r"(&s->y), "r"(1), "r"(&s->x) : "memory");
    r[1] = a;
}
static void sb_plain_t0(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("sw %2, 0(%1)\n lw %0, 0(%3)" : "=&r"(a) : "r"(&s->x), "r"(1), "r"(&s->y) : "memory");
    r[0] = a;
}
static void sb_plain_t1(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("sw %2, 0(%1)\n lw %0, 0(%3)" : "=&r"(a) : "r"(&s->y), "r"(1), "r"(&s->x) : "memory");
    r[1] = a;
}
// SB where the store is an AMO with .aqrl: as strong as the fence.
static void sb_amo_t0(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("amoswap.w.aqrl zero, %2, (%1)\n lw %0, 0(%3)" : "=&r"(a) : "r"(&s->x), "r"(1), "r"(&s->y) : "memory");
    r[0] = a;
}
static void sb_amo_t1(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("amoswap.w.aqrl zero, %2, (%1)\n lw %0, 0(%3)" : "=&r"(a) : "r"(&s->y), "r"(1), "r"(&s->x) : "memory");
    r[1] = a;
}

// --- LB: T0 r0=x; y=1 / T1 r1=y; x=1. Forbidden with fence r,w: r0=1, r1=1.
static void lb_fenced_t0(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("lw %0, 0(%1)\n fence r, w\n sw %2, 0(%3)" : "=&r"(a) : "r"(&s->x), "r"(1), "r"(&s->y) : "memory");
    r[0] = a;
}
static void lb_fenced_t1(struct Slot* s, int* r)
{
    int a;
    __asm__ volatile("lw %0, 0(%1)\n fence r, w\n sw %2, 0(%3)" : "=&r"(a) : "r"(&s->y), "r"(1), "r"(&s->x) : "memory");
    r[1] = a;
}

struct Test {
    char const* name;
    Part t0, t1;
    int forbidden_r0, forbidden_r1; // -1: no forbidden outcome (reordering allowed)
    char const* note;
};

static struct Test const kTests[] = {
    { "MP+fence.w.w+fence.r.r", mp_fenced_t0, mp_fenced_t1, 1, 0, "forbidden r0=1,r1=0" },
    { "MP+fence.w.w+spin+fence.r.r", mp_fenced_t0, mp_spin_t1, 1, 0, "forbidden r1=0" },
    { "SB+fence.rw.rw", sb_fenced_t0, sb_fenced_t1, 0, 0, "forbidden r0=0,r1=0" },
    { "SB+amoswap.aqrl", sb_amo_t0, sb_amo_t1, 0, 0, "forbidden r0=0,r1=0" },
    { "LB+fence.r.w", lb_fenced_t0, lb_fenced_t1, 1, 1, "forbidden r0=1,r1=1" },
    { "MP (no fences)", mp_plain_t0, mp_plain_t1, -1, -1, "all allowed" },
    { "SB (no fences)", sb_plain_t0, sb_plain_t1, -1, -1, "all allowed" },
};

// Sense-reversing barrier for the two threads.
static atomic_int g_arrived;
static atomic_int g_sense;

static void barrier(int* local_sense)
{
    *local_sense = !*local_sense;
    if (atomic_fetch_add(&g_arrived, 1) == 1) {
        atomic_store(&g_arrived, 0);
        atomic_store(&g_sense, *local_sense);
    } else {
        while (atomic_load(&g_sense) != *local_sense) { }
    }
}

static struct Test const* g_test;
static long g_batches;
static int g_cpu[2] = { 0, 1 };
static int g_stop;

static void pin_to_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        fprintf(stderr, "litmus: cannot pin to cpu %d (continuing unpinned)\n", cpu);
}

static long g_hist[2][2];

// Tester 1, on its own thread; main() is tester 0 and mirrors this loop.
static void* tester1(void* arg)
{
    (void)arg;
    int sense = 0;
    pin_to_cpu(g_cpu[1]);
    for (;;) {
        barrier(&sense); // slots are reset, g_test is set
        if (g_stop)
            return NULL;
        struct Test const* t = g_test;
        for (long b = 0; b < g_batches; ++b) {
            // Skew the start, differently per batch, so the threads meet at varying offsets.
            for (volatile int d = 0; d < (int)((b * 5 + 3) % 11) * 8; ++d) { }
            for (int k = 0; k < kBatch; ++k) {
                g_res[1][k][0] = g_res[1][k][1] = 0;
                t->t1(&g_slots[k], g_res[1][k]);
            }
            barrier(&sense); // both parts done
            barrier(&sense); // tester 0 has counted and reset the slots
        }
    }
}

int main(int argc, char** argv)
{
    long instances = 100000;
    int opt;
    while ((opt = getopt(argc, argv, "n:a:b:")) != -1) {
        switch (opt) {
        case 'n': instances = atol(optarg); break;
        case 'a': g_cpu[0] = atoi(optarg); break;
        case 'b': g_cpu[1] = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: litmus [-n INSTANCES] [-a CPU] [-b CPU]\n");
            return 2;
        }
    }
    if (instances < kBatch) {
        fprintf(stderr, "litmus: -n must be at least %d\n", kBatch);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    g_batches = instances / kBatch;
    printf("litmus: %ld instances per test on cpus %d and %d\n", g_batches * kBatch, g_cpu[0], g_cpu[1]);

    // The main thread is tester 0; one helper is tester 1.
    pthread_t helper;
    g_test = &kTests[0];
    if (pthread_create(&helper, NULL, tester1, NULL) != 0) {
        perror("litmus: pthread_create");
        return 1;
    }
    int sense = 0;
    int bad = 0;
    pin_to_cpu(g_cpu[0]);
    for (size_t i = 0; i < sizeof kTests / sizeof kTests[0]; ++i) {
        struct Test const* t = &kTests[i];
        memset(g_hist, 0, sizeof g_hist);
        g_test = t;
        // Run tester 0's side inline, mirroring tester1(): the barrier pairs with the helper's.
        barrier(&sense);
        for (long b = 0; b < g_batches; ++b) {
            for (volatile int d = 0; d < (int)((b * 7) % 13) * 8; ++d) { }
            for (int k = 0; k < kBatch; ++k) {
                g_res[0][k][0] = g_res[0][k][1] = 0;
                t->t0(&g_slots[k], g_res[0][k]);
            }
            barrier(&sense);
            for (int k = 0; k < kBatch; ++k) {
                int r0 = g_res[0][k][0] | g_res[1][k][0], r1 = g_res[0][k][1] | g_res[1][k][1];
                g_hist[r0 & 1][r1 & 1]++;
                g_slots[k].x = g_slots[k].y = 0;
            }
            barrier(&sense);
        }
        long forbidden = t->forbidden_r0 < 0 ? 0 : g_hist[t->forbidden_r0][t->forbidden_r1];
        printf("litmus %-28s 0:0=%-7ld 0:1=%-7ld 1:0=%-7ld 1:1=%-7ld %s: %s\n", t->name, g_hist[0][0], g_hist[0][1],
            g_hist[1][0], g_hist[1][1], t->note,
            t->forbidden_r0 < 0 ? "info" : forbidden ? "FORBIDDEN OUTCOME SEEN" : "ok");
        if (forbidden)
            bad = 1;
    }
    g_stop = 1;
    barrier(&sense);
    pthread_join(helper, NULL);
    printf("litmus: %s\n", bad ? "FAIL" : "PASS");
    return bad;
}
