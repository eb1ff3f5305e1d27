// lrsc_aba: SC after another hart stored to the reserved word and then restored its value
// (A -> B -> A). RVWMO: "an SC may succeed only if no store from another hart to the
// reservation set can be observed to have occurred between the LR and the SC", so every SC
// here must fail. An SC built on compare-and-swap of the loaded value succeeds instead (the
// ABA problem that LR/SC exists to avoid). Runs inside the guest (cross-compiled, static).
//
// usage: lrsc_aba [-n ITERATIONS] [-a CPU] [-b CPU]   exit 0 and "lrsc_aba: PASS", or 1.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static _Alignas(64) uint32_t g_word;
static _Alignas(64) atomic_long g_reserved; // iteration whose LR is done
static _Alignas(64) atomic_long g_stored;   // iteration whose A->B->A stores are done
static int g_cpu[2] = { 0, 1 };
static long g_iterations = 2000;

static void pin_to_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        fprintf(stderr, "lrsc_aba: cannot pin to cpu %d (continuing unpinned)\n", cpu);
}

static void* storer(void* arg)
{
    (void)arg;
    pin_to_cpu(g_cpu[1]);
    for (long i = 1; i <= g_iterations; ++i) {
        while (atomic_load_explicit(&g_reserved, memory_order_acquire) < i) { }
        __atomic_store_n(&g_word, 1, __ATOMIC_RELAXED); // A -> B
        __atomic_store_n(&g_word, 0, __ATOMIC_RELAXED); // B -> A
        atomic_store_explicit(&g_stored, i, memory_order_release);
    }
    return NULL;
}

int main(int argc, char** argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "n:a:b:")) != -1) {
        switch (opt) {
        case 'n': g_iterations = atol(optarg); break;
        case 'a': g_cpu[0] = atoi(optarg); break;
        case 'b': g_cpu[1] = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: lrsc_aba [-n ITERATIONS] [-a CPU] [-b CPU]\n");
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    pin_to_cpu(g_cpu[0]);
    pthread_t t;
    if (pthread_create(&t, NULL, storer, NULL) != 0) {
        perror("lrsc_aba: pthread_create");
        return 1;
    }
    long succeeded = 0;
    for (long i = 1; i <= g_iterations; ++i) {
        uint32_t v, fail;
        __asm__ volatile("lr.w %0, (%1)" : "=r"(v) : "r"(&g_word) : "memory");
        atomic_store_explicit(&g_reserved, i, memory_order_release);
        // Observe the other hart's stores (they happen before g_stored = i) ...
        while (atomic_load_explicit(&g_stored, memory_order_acquire) < i) { }
        // ... so this SC must fail.
        __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(fail) : "r"(&g_word), "r"(0u) : "memory");
        if (fail == 0)
            ++succeeded;
        (void)v;
    }
    pthread_join(t, NULL);
    printf("lrsc_aba: %ld iterations on cpus %d and %d, %ld SCs succeeded after a remote A->B->A store\n",
        g_iterations, g_cpu[0], g_cpu[1], succeeded);
    printf("lrsc_aba: %s\n", succeeded ? "FAIL" : "PASS");
    return succeeded ? 1 : 0;
}
