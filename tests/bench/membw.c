/*
 * Memory bandwidth of one core, STREAM-like: the roofline the synaptic sum is compared with.
 *
 *   read   sum of a uint32 array (integer adds: the compiler vectorises them without reordering floats)
 *   triad  a[i] = b[i] + s·c[i] over float arrays; counted as STREAM does: 12 bytes per element
 *          (the write-allocate read of a[] is not counted)
 *
 * Each kernel runs on a working set that fits the last-level cache (default 8 MiB, about what the 10k/1M
 * network's weights and indices occupy) and on one far larger than it (default 256 MiB: main memory).
 * Output: one line per measurement, "kernel=… bytes=… median_gbs=… max_gbs=… median_cpu_gbs=… reps=…" (GB/s = 1e9
 * bytes/s; median_cpu_gbs divides by the thread's CPU time instead of the wall clock: steadier on a busy machine).
 *
 * Usage: membw [--reps R] [--small MiB] [--large MiB]
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void *zalloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) { fprintf(stderr, "membw: out of memory\n"); exit(1); }
    memset(p, 1, bytes); /* touch every page */
    return p;
}

static volatile uint32_t sink;

static uint32_t read_sum(const uint32_t *restrict a, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++) s += a[i];
    return s;
}

static void triad(float *restrict a, const float *restrict b, const float *restrict c, float s, size_t n)
{
    for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

/* Repeats the kernel so one repetition moves at least 256 MiB, reps times; GB/s per repetition. */
static void measure(const char *kernel, size_t set_bytes, int reps)
{
    int is_triad = kernel[0] == 't';
    size_t n = is_triad ? set_bytes / 3 / sizeof(float) : set_bytes / sizeof(uint32_t);
    double per_pass = is_triad ? 12.0 * n : 4.0 * n;
    int passes = (int)((256.0 * 1024 * 1024) / per_pass);
    if (passes < 1) passes = 1;
    uint32_t *ra = NULL;
    float *a = NULL, *b = NULL, *c = NULL;
    if (is_triad) { a = zalloc(n * 4); b = zalloc(n * 4); c = zalloc(n * 4); }
    else ra = zalloc(n * 4);
    double *gbs = malloc((size_t)reps * sizeof(double)), *cpu_gbs = malloc((size_t)reps * sizeof(double));
    for (int r = -1; r < reps; r++) { /* r = −1: warm-up */
        double c0 = cpu_s(), t = now_s();
        for (int p = 0; p < passes; p++) {
            if (is_triad) triad(a, b, c, 1.0001f, n);
            else sink = read_sum(ra, n);
        }
        t = now_s() - t;
        double cpu = cpu_s() - c0;
        if (r >= 0) {
            gbs[r] = per_pass * passes / t / 1e9;
            cpu_gbs[r] = per_pass * passes / cpu / 1e9;
        }
    }
    qsort(gbs, (size_t)reps, sizeof(double), cmp_double);
    qsort(cpu_gbs, (size_t)reps, sizeof(double), cmp_double);
    printf("kernel=%s bytes=%zu median_gbs=%.2f max_gbs=%.2f median_cpu_gbs=%.2f reps=%d\n", kernel, set_bytes, gbs[reps / 2], gbs[reps - 1],
        cpu_gbs[reps / 2], reps);
    fflush(stdout);
    if (is_triad) { sink = (uint32_t)a[n / 2]; free(a); free(b); free(c); }
    else free(ra);
    free(gbs);
    free(cpu_gbs);
}

int main(int argc, char **argv)
{
    int reps = 9;
    double small = 8, large = 256;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--small") && i + 1 < argc) small = atof(argv[++i]);
        else if (!strcmp(argv[i], "--large") && i + 1 < argc) large = atof(argv[++i]);
        else { fprintf(stderr, "usage: membw [--reps R] [--small MiB] [--large MiB]\n"); return 2; }
    }
    if (reps < 1 || !(small > 0) || !(large > 0)) { fprintf(stderr, "membw: arguments must be positive\n"); return 2; }
    size_t s = (size_t)(small * 1024 * 1024), l = (size_t)(large * 1024 * 1024);
    measure("read-cache", s, reps);
    measure("read-dram", l, reps);
    measure("triad-cache", s, reps);
    measure("triad-dram", l, reps);
    return 0;
}
