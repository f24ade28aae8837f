/*
 * C baseline of the IFM state-neuron tick (design brief §1, kind 1), written the straightforward way so the
 * compiler, not the programmer, does the optimising. Same equations and buffer layouts as the C# engine
 * (runtime/Ifm.Runtime/Engine: CpuSession.Step, DenseMatVec, CsrMatVec, IfmNeurons, FusedHebbianCsr/Dense):
 *
 *   syn_i = Σ_j w_ij·y_j(t−1)                      dense N×stride row-major matrix or CSR rows by post neuron
 *   input i:         u = x_i + b_i + syn_i
 *   hidden/output i: u = syn_i + b_i + tanh(a_i·s_i)
 *   s_i = leaky_relu(u, 0.01), y_i = tanh(u)
 *
 * and the plastic tick with a Hebbian trace on every edge (fused: one pass over the edges), with y' = y(t−1),
 * y'' = y(t−2):
 *
 *   H_k ← clip((1 − η)·H_k + η·y''_pre·y'_post, −1, 1);  syn_i = Σ_k (w_k + α_k·H_k)·y'_pre
 *
 * Networks use the reference wiring (inputs receive nothing, outputs only from hidden neurons, hidden neurons from
 * inputs and other hidden neurons, each edge with probability p; weights uniform in ±√(6/(fan_in+1)), b = 0,
 * a = 0.5) with this file's own random generator: same shapes as the C# benchmarks, not the same draws.
 *
 * Output: one line per case, "case=… neurons=… synapses=… median_us=… min_us=… max_us=… median_cpu_us=… reps=… ticks=…
 * bytes=…" (median_cpu_us: CPU time of the thread, which does not count waiting for a core on a busy machine),
 * where bytes is the memory a tick must move (weights, indices, row starts and the per-neuron arrays).
 *
 * Usage: tick [--reps R] [--ms M]   (R timed repetitions of about M milliseconds each; median reported)
 */
#define _POSIX_C_SOURCE 200112L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INPUTS 24
#define OUTPUTS 3
#define STRIDE_MULTIPLE 16
#define LEAKY_SLOPE 0.01f
#define ETA 0.05f
#define ALPHA 0.1f

typedef struct {
    int n, e, stride;
    int *row, *col;              /* CSR by post-synaptic neuron */
    float *w, *alpha, *h;        /* per edge */
    float *dw, *da, *dh;         /* dense N×stride mirrors (zeros for absent edges) */
    float *b, *a, *s, *x, *syn;  /* per neuron */
    float *y, *ynext;            /* y(t−1) and y(t), padded to stride */
    float *yprev2;               /* y(t−2) for the trace update */
} net_t;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double uniform01(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

static void *zalloc(size_t bytes)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) { fprintf(stderr, "tick: out of memory\n"); exit(1); }
    memset(p, 0, bytes);
    return p;
}

static void build(net_t *m, int n, double p)
{
    int hid0 = INPUTS, out0 = n - OUTPUTS;
    size_t cap = (size_t)((double)n * n * p * 1.1) + 1024;
    m->n = n;
    m->stride = (n + STRIDE_MULTIPLE - 1) / STRIDE_MULTIPLE * STRIDE_MULTIPLE;
    m->row = zalloc((size_t)(n + 1) * sizeof(int));
    m->col = zalloc(cap * sizeof(int));
    m->w = zalloc(cap * sizeof(float));
    int *pres = zalloc((size_t)n * sizeof(int));
    int e = 0;
    for (int i = 0; i < n; i++) {
        m->row[i] = e;
        int count = 0;
        if (i >= hid0 && i < out0) {            /* hidden: from inputs and other hidden neurons */
            for (int j = 0; j < out0; j++) if (j != i && uniform01() < p) pres[count++] = j;
        } else if (i >= out0) {                 /* output: from hidden neurons only */
            for (int j = hid0; j < out0; j++) if (uniform01() < p) pres[count++] = j;
        }
        float bound = sqrtf(6.0f / (float)(count + 1));
        if ((size_t)(e + count) > cap) { fprintf(stderr, "tick: edge capacity exceeded\n"); exit(1); }
        for (int c = 0; c < count; c++) {
            m->col[e] = pres[c];
            m->w[e] = (float)(uniform01() * 2 - 1) * bound;
            e++;
        }
    }
    m->row[n] = e;
    m->e = e;
    free(pres);
    size_t dn = (size_t)n * m->stride;
    m->alpha = zalloc((size_t)e * sizeof(float));
    m->h = zalloc((size_t)e * sizeof(float));
    m->dw = zalloc(dn * sizeof(float));
    m->da = zalloc(dn * sizeof(float));
    m->dh = zalloc(dn * sizeof(float));
    for (int i = 0; i < n; i++)
        for (int k = m->row[i]; k < m->row[i + 1]; k++) {
            m->alpha[k] = ALPHA;
            m->dw[(size_t)i * m->stride + m->col[k]] = m->w[k];
            m->da[(size_t)i * m->stride + m->col[k]] = ALPHA;
        }
    m->b = zalloc((size_t)n * sizeof(float));
    m->a = zalloc((size_t)n * sizeof(float));
    m->s = zalloc((size_t)n * sizeof(float));
    m->x = zalloc((size_t)n * sizeof(float));
    m->syn = zalloc((size_t)n * sizeof(float));
    m->y = zalloc((size_t)m->stride * sizeof(float));
    m->ynext = zalloc((size_t)m->stride * sizeof(float));
    m->yprev2 = zalloc((size_t)m->stride * sizeof(float));
    for (int i = 0; i < n; i++) m->a[i] = 0.5f;
    for (int i = 0; i < INPUTS; i++) m->x[i] = (float)uniform01();
}

static void reset(net_t *m)
{
    memset(m->s, 0, (size_t)m->n * sizeof(float));
    memset(m->y, 0, (size_t)m->stride * sizeof(float));
    memset(m->ynext, 0, (size_t)m->stride * sizeof(float));
    memset(m->yprev2, 0, (size_t)m->stride * sizeof(float));
    memset(m->h, 0, (size_t)m->e * sizeof(float));
    memset(m->dh, 0, (size_t)m->n * m->stride * sizeof(float));
}

/* ---- synaptic sums ---------------------------------------------------------------------------------------- */

static void syn_dense(net_t *m)
{
    for (int i = 0; i < m->n; i++) {
        const float *wr = m->dw + (size_t)i * m->stride;
        float acc = 0;
        for (int j = 0; j < m->stride; j++) acc += wr[j] * m->y[j];
        m->syn[i] = acc;
    }
}

static void syn_csr(net_t *m)
{
    for (int i = 0; i < m->n; i++) {
        float acc = 0;
        for (int k = m->row[i]; k < m->row[i + 1]; k++) acc += m->w[k] * m->y[m->col[k]];
        m->syn[i] = acc;
    }
}

static inline float clip1(float v) { return v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v); }

/* Hebbian trace on every edge, update fused into the sum (the trace update of the tick that produced y). */
static float syn_plastic_csr(net_t *m)
{
    const float decay = 1.0f - ETA;
    float delta = 0;
    for (int i = 0; i < m->n; i++) {
        float c = ETA * m->y[i], acc = 0;
        for (int k = m->row[i]; k < m->row[i + 1]; k++) {
            int j = m->col[k];
            float hn = clip1(decay * m->h[k] + c * m->yprev2[j]);
            delta += fabsf(m->alpha[k] * (hn - m->h[k]));
            m->h[k] = hn;
            acc += (m->w[k] + m->alpha[k] * hn) * m->y[j];
        }
        m->syn[i] = acc;
    }
    return delta;
}

static float syn_plastic_dense(net_t *m)
{
    const float decay = 1.0f - ETA;
    float delta = 0;
    for (int i = 0; i < m->n; i++) {
        size_t o = (size_t)i * m->stride;
        float c = ETA * m->y[i], acc = 0;
        for (int j = 0; j < m->stride; j++) {
            float h = m->dh[o + j];
            float hn = clip1(decay * h + c * m->yprev2[j]);
            delta += fabsf(m->da[o + j] * (hn - h));
            m->dh[o + j] = hn;
            acc += (m->dw[o + j] + m->da[o + j] * hn) * m->y[j];
        }
        m->syn[i] = acc;
    }
    return delta;
}

/* ---- neuron update and tick ------------------------------------------------------------------------------- */

static void neurons(net_t *m)
{
    for (int i = 0; i < INPUTS; i++) {
        float u = m->x[i] + m->b[i] + m->syn[i];
        m->s[i] = fmaxf(u, LEAKY_SLOPE * u);
        m->ynext[i] = tanhf(u);
    }
    for (int i = INPUTS; i < m->n; i++) {
        float u = m->syn[i] + m->b[i] + tanhf(m->a[i] * m->s[i]);
        m->s[i] = fmaxf(u, LEAKY_SLOPE * u);
        m->ynext[i] = tanhf(u);
    }
}

typedef enum { STATIC_DENSE, STATIC_CSR, PLASTIC_DENSE, PLASTIC_CSR } tick_mode;

static volatile float sink;

static void step(net_t *m, tick_mode mode, long ticks)
{
    for (long t = 0; t < ticks; t++) {
        switch (mode) {
        case STATIC_DENSE: syn_dense(m); break;
        case STATIC_CSR: syn_csr(m); break;
        case PLASTIC_DENSE: sink = syn_plastic_dense(m); break;
        case PLASTIC_CSR: sink = syn_plastic_csr(m); break;
        }
        neurons(m);
        /* rotate y(t−2) ← y(t−1) ← y(t) */
        float *old = m->yprev2;
        m->yprev2 = m->y;
        m->y = m->ynext;
        m->ynext = old;
    }
}

/* ---- timing ----------------------------------------------------------------------------------------------- */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* CPU time of this thread: does not count waiting for a core on a busy machine. */
static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Bytes a tick must move: weights and indices (and α, H read + H write when plastic), row starts, and the
 * per-neuron arrays (y(t−1) once, syn written and read, b, a, s read and written, y(t) written; y(t−2) if plastic). */
static double tick_bytes(const net_t *m, tick_mode mode)
{
    double n = m->n, e = m->e, cells = (double)m->n * m->stride;
    double per_neuron = 4.0 * (1 + 2 + 2 + 2 + 1) * n;
    switch (mode) {
    case STATIC_DENSE: return 4.0 * cells + per_neuron;
    case STATIC_CSR: return 8.0 * e + 4.0 * (n + 1) + per_neuron;
    case PLASTIC_DENSE: return 16.0 * cells + per_neuron + 4.0 * n;
    default: return 20.0 * e + 4.0 * (n + 1) + per_neuron + 4.0 * n;
    }
}

static void run_case(const char *name, net_t *m, tick_mode mode, int reps, double target_ms)
{
    reset(m);
    step(m, mode, 50); /* leave the all-zero start */
    double t0 = now_us();
    long warm = 0;
    while (now_us() - t0 < 200e3) { step(m, mode, 1); warm++; }
    double per_tick = (now_us() - t0) / (double)warm;
    long ticks = (long)(target_ms * 1e3 / per_tick);
    if (ticks < 1) ticks = 1;
    double *us = malloc((size_t)reps * sizeof(double)), *cpu = malloc((size_t)reps * sizeof(double));
    for (int r = 0; r < reps; r++) {
        double c = cpu_us(), a = now_us();
        step(m, mode, ticks);
        us[r] = (now_us() - a) / (double)ticks;
        cpu[r] = (cpu_us() - c) / (double)ticks;
    }
    qsort(us, (size_t)reps, sizeof(double), cmp_double);
    qsort(cpu, (size_t)reps, sizeof(double), cmp_double);
    printf("case=%s neurons=%d synapses=%d median_us=%.4f min_us=%.4f max_us=%.4f median_cpu_us=%.4f reps=%d ticks=%ld bytes=%.0f\n",
        name, m->n, m->e, us[reps / 2], us[0], us[reps - 1], cpu[reps / 2], reps, ticks, tick_bytes(m, mode));
    fflush(stdout);
    free(us);
    free(cpu);
}

int main(int argc, char **argv)
{
    int reps = 15;
    double ms = 50;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ms") && i + 1 < argc) ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--case") && i + 1 < argc) only = argv[++i];
        else { fprintf(stderr, "usage: tick [--reps R] [--ms M] [--case NAME]\n"); return 2; }
    }
    if (reps < 1 || !(ms > 0)) { fprintf(stderr, "tick: --reps and --ms must be positive\n"); return 2; }

    net_t small, large;
    build(&small, 300, 0.2);
    build(&large, 10000, 0.01);
    struct { const char *name; net_t *m; tick_mode mode; } cases[] = {
        { "static-dense-300", &small, STATIC_DENSE },
        { "static-csr-300", &small, STATIC_CSR },
        { "static-csr-10k", &large, STATIC_CSR },
        { "plastic-dense-300", &small, PLASTIC_DENSE },
        { "plastic-csr-10k", &large, PLASTIC_CSR },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        if (only && strcmp(only, cases[c].name)) continue;
        run_case(cases[c].name, cases[c].m, cases[c].mode, reps, ms);
    }
    return 0;
}
