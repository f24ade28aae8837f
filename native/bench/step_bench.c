/*
 * step_bench — per-call cost of the tick calls through the C ABI (compare with StepBench, the same loop in C#).
 *
 *   step_bench MODEL.ifm [CALLS] [ROUNDS]
 *
 * Prints the median over ROUNDS of: ns per ifm_step(session, 1), ns per control period
 * (ifm_set_inputs + ifm_step + ifm_get_outputs), and ns per ifm_get_tick (a call that does almost nothing: the
 * boundary's own cost: transition into the runtime, handle check, status). Use a tiny model so the call overhead is visible:
 *   ifm new --neurons 8 --inputs 2 --outputs 2 --connectivity 0.5 --out tiny.ifm
 */
#define _POSIX_C_SOURCE 200809L
#include <ifm.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: step_bench MODEL.ifm [CALLS] [ROUNDS]\n");
        return 2;
    }
    long calls = argc > 2 ? atol(argv[2]) : 2000000;
    int rounds = argc > 3 ? atoi(argv[3]) : 7;
    ifm_model *model;
    ifm_session *session;
    ifm_model_info info;
    if (ifm_model_load_file(argv[1], &model) != IFM_OK || ifm_model_get_info(model, &info) != IFM_OK ||
        ifm_session_create(model, &session) != IFM_OK) {
        fprintf(stderr, "step_bench: %s\n", ifm_last_error());
        return 1;
    }
    float in[256] = {0}, out[256];
    for (uint32_t c = 0; c < info.input_count && c < 256; c++) in[c] = 0.25f;
    ifm_set_inputs(session, in, info.input_count);
    for (long i = 0; i < calls / 10; i++) ifm_step(session, 1); /* warm-up */

    double *step = malloc(sizeof(double) * (size_t)rounds), *period = malloc(sizeof(double) * (size_t)rounds);
    double *query = malloc(sizeof(double) * (size_t)rounds);
    int64_t tick = 0, sum = 0;
    for (int r = 0; r < rounds; r++) {
        double t0 = now_ns();
        for (long i = 0; i < calls; i++) ifm_step(session, 1);
        double t1 = now_ns();
        for (long i = 0; i < calls; i++) {
            ifm_set_inputs(session, in, info.input_count);
            ifm_step(session, 1);
            ifm_get_outputs(session, out, info.output_count);
        }
        double t2 = now_ns();
        for (long i = 0; i < calls; i++) {
            ifm_get_tick(session, &tick);
            sum += tick;
        }
        double t3 = now_ns();
        step[r] = (t1 - t0) / (double)calls;
        period[r] = (t2 - t1) / (double)calls;
        query[r] = (t3 - t2) / (double)calls;
    }
    qsort(step, (size_t)rounds, sizeof(double), compare);
    qsort(period, (size_t)rounds, sizeof(double), compare);
    qsort(query, (size_t)rounds, sizeof(double), compare);
    printf("C ABI   neurons=%u edges=%u  ifm_step: %.1f ns/call  set_inputs+step+get_outputs: %.1f ns/period  "
           "ifm_get_tick: %.1f ns/call  (median of %d x %ld; checksum %lld)\n",
           info.neuron_count, info.edge_count, step[rounds / 2], period[rounds / 2], query[rounds / 2], rounds, calls, (long long)(sum & 0xFF));
    ifm_session_destroy(session);
    ifm_model_free(model);
    free(step);
    free(period);
    free(query);
    return 0;
}
