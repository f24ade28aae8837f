/*
 * ifm_sample_c — runs a model in a loop through the C ABI and prints every tick's outputs.
 *
 *   ifm_sample_c MODEL.ifm TICKS [--memory] [--checkpoint PATH]
 *
 * Output: one line per tick, "tick out0 out1 ..." (%.9g, enough digits to round-trip a float).
 * --memory loads the model from a buffer instead of the path; --checkpoint saves the learned state at the end.
 * With IFM_START_NS set (CLOCK_MONOTONIC nanoseconds taken by a launcher just before starting this process),
 * prints "first-step-ns: N" to stderr: the time from launch to the return of the first ifm_step.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <ifm.h>

#include "../input_schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int fail(const char *what, ifm_status status) {
    fprintf(stderr, "ifm_sample_c: %s failed (%d): %s\n", what, (int)status, ifm_last_error());
    return 1;
}

static unsigned char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *bytes = n > 0 ? malloc((size_t)n) : NULL;
    if (bytes && fread(bytes, 1, (size_t)n, f) != (size_t)n) {
        free(bytes);
        bytes = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return bytes;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: ifm_sample_c MODEL.ifm TICKS [--memory] [--checkpoint PATH]\n");
        return 2;
    }
    const char *model_path = argv[1];
    long ticks = strtol(argv[2], NULL, 10);
    int from_memory = 0;
    const char *checkpoint = NULL;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--memory") == 0) from_memory = 1;
        else if (strcmp(argv[i], "--checkpoint") == 0 && i + 1 < argc) checkpoint = argv[++i];
        else {
            fprintf(stderr, "ifm_sample_c: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }

    if (!IFM_ABI_COMPATIBLE(ifm_abi_version())) {
        fprintf(stderr, "ifm_sample_c: libifm ABI %08x cannot serve ABI %08x\n", ifm_abi_version(), IFM_ABI_VERSION);
        return 1;
    }

    ifm_model *model = NULL;
    ifm_status s;
    if (from_memory) {
        size_t size = 0;
        unsigned char *bytes = read_file(model_path, &size);
        if (!bytes) {
            fprintf(stderr, "ifm_sample_c: cannot read %s\n", model_path);
            return 1;
        }
        s = ifm_model_load_memory(bytes, size, &model);
        free(bytes);
    } else {
        s = ifm_model_load_file(model_path, &model);
    }
    if (s != IFM_OK) return fail("loading the model", s);

    ifm_model_info info;
    if ((s = ifm_model_get_info(model, &info)) != IFM_OK) return fail("ifm_model_get_info", s);
    ifm_session *session = NULL;
    if ((s = ifm_session_create(model, &session)) != IFM_OK) return fail("ifm_session_create", s);

    /* Buffers are the caller's: allocated once, reused every tick. */
    float *inputs = calloc(info.input_count ? info.input_count : 1, sizeof(float));
    float *outputs = calloc(info.output_count ? info.output_count : 1, sizeof(float));
    const char *start = getenv("IFM_START_NS");

    for (long t = 0; t < ticks; t++) {
        for (uint32_t c = 0; c < info.input_count; c++) inputs[c] = ifm_sample_input(t, c);
        if ((s = ifm_set_inputs(session, inputs, info.input_count)) != IFM_OK) return fail("ifm_set_inputs", s);
        if ((s = ifm_step(session, 1)) != IFM_OK) return fail("ifm_step", s);
        if (t == 0 && start) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            long long ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec - atoll(start);
            fprintf(stderr, "first-step-ns: %lld\n", ns);
        }
        if ((s = ifm_get_outputs(session, outputs, info.output_count)) != IFM_OK) return fail("ifm_get_outputs", s);
        printf("%ld", t + 1);
        for (uint32_t c = 0; c < info.output_count; c++) printf(" %.9g", outputs[c]);
        printf("\n");
    }

    if (checkpoint && (s = ifm_checkpoint_save(session, checkpoint)) != IFM_OK) return fail("ifm_checkpoint_save", s);

    free(inputs);
    free(outputs);
    ifm_session_destroy(session);
    ifm_model_free(model);
    return 0;
}
