/*
 * abi_test — drives every exported function of libifm.so with good and bad arguments and checks each returns the
 * status ifm.h documents, with a last-error message that names the function. Compiled against ifm.h, so it also
 * keeps the header and the exports in step (a missing or renamed export fails the link).
 *
 *   abi_test MODEL_A.ifm MODEL_B.ifm WORK_DIR [SERVO_PES.ifm]
 *
 * MODEL_A should be plastic (it is stepped, checkpointed, its plasticity switched); MODEL_B any other model.
 * SERVO_PES.ifm (runtime/models/servo-pes.ifm), when given, drives the learning-signal binding of ABI 1.2 on a servo
 * simulated here: the bound PES error must make the controller track better than the same model unbound.
 * Prints one line per failed check and "abi_test: N checks, M failed"; exit code 0 only when none failed.
 */
#include <ifm.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

static int checks, failures;

static void expect_status(int line, const char *call, ifm_status got, ifm_status want, const char *function) {
    checks++;
    if (got != want) {
        failures++;
        printf("FAIL line %d: %s returned %d, expected %d (%s)\n", line, call, (int)got, (int)want, ifm_last_error());
        return;
    }
    if (want != IFM_OK && function) {
        const char *message = ifm_last_error();
        checks++;
        if (message == NULL || strncmp(message, function, strlen(function)) != 0 || strlen(message) <= strlen(function) + 2) {
            failures++;
            printf("FAIL line %d: %s: last error '%s' does not name %s and the problem\n", line, call, message ? message : "(null)", function);
        }
    }
}

static void expect_true(int line, const char *what, int condition) {
    checks++;
    if (!condition) {
        failures++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

/* EXPECT(call, status, "function"): the call returns status and (for failures) a message naming the function. */
#define EXPECT(call, want, function) expect_status(__LINE__, #call, (call), (want), (function))
#define TRUE(condition) expect_true(__LINE__, #condition, (condition))

static unsigned char *read_all(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *bytes = malloc((size_t)n);
    if (fread(bytes, 1, (size_t)n, f) != (size_t)n) n = 0;
    fclose(f);
    *size = (size_t)n;
    return bytes;
}

static void write_all(const char *path, const void *bytes, size_t size) {
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, size, f);
        fclose(f);
    }
}

static void test_library(void) {
    uint32_t v = ifm_abi_version();
    TRUE(IFM_ABI_COMPATIBLE(v));
    TRUE((v >> 16) == IFM_ABI_VERSION_MAJOR);
    TRUE(ifm_version_string() != NULL && strlen(ifm_version_string()) > 0);
    TRUE(strncmp(ifm_status_string(IFM_OK), "IFM_OK", 6) == 0);
    TRUE(strncmp(ifm_status_string(IFM_ERR_INVALID_HANDLE), "IFM_ERR_INVALID_HANDLE", 22) == 0);
    TRUE(strcmp(ifm_status_string(12345), "unknown status") == 0);
    TRUE(strcmp(ifm_status_string(-1), "unknown status") == 0);
    TRUE(ifm_last_error() != NULL);
}

static void test_loading(const char *model_path, const char *work) {
    ifm_model *m = (ifm_model *)0x1;
    EXPECT(ifm_model_load_file(NULL, &m), IFM_ERR_NULL_POINTER, "ifm_model_load_file");
    TRUE(m == NULL);
    EXPECT(ifm_model_load_file(model_path, NULL), IFM_ERR_NULL_POINTER, "ifm_model_load_file");
    EXPECT(ifm_model_load_file("", &m), IFM_ERR_INVALID_ARGUMENT, "ifm_model_load_file");
    EXPECT(ifm_model_load_file("/nonexistent/dir/model.ifm", &m), IFM_ERR_IO, "ifm_model_load_file");
    TRUE(strstr(ifm_last_error(), "/nonexistent/dir/model.ifm") != NULL);

    char *long_path = malloc(5000);
    memset(long_path, 'a', 4999);
    long_path[4999] = 0;
    EXPECT(ifm_model_load_file(long_path, &m), IFM_ERR_INVALID_ARGUMENT, "ifm_model_load_file");
    free(long_path);

    size_t size = 0;
    unsigned char *bytes = read_all(model_path, &size);
    TRUE(bytes != NULL && size > 64);
    if (bytes == NULL || size <= 64) return;
    EXPECT(ifm_model_load_memory(NULL, size, &m), IFM_ERR_NULL_POINTER, "ifm_model_load_memory");
    EXPECT(ifm_model_load_memory(bytes, size, NULL), IFM_ERR_NULL_POINTER, "ifm_model_load_memory");
    EXPECT(ifm_model_load_memory(bytes, 0, &m), IFM_ERR_MODEL_FORMAT, "ifm_model_load_memory");
    EXPECT(ifm_model_load_memory(bytes, (size_t)1 << 40, &m), IFM_ERR_INVALID_ARGUMENT, "ifm_model_load_memory");

    /* Malformed buffers: truncated anywhere, a header length beyond the buffer, garbage, a corrupted header. */
    size_t cuts[] = {1, 7, 8, 9, 20, size / 2, size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        EXPECT(ifm_model_load_memory(bytes, cuts[i], &m), IFM_ERR_MODEL_FORMAT, "ifm_model_load_memory");
        TRUE(m == NULL);
    }
    unsigned char *bad = malloc(size);
    memcpy(bad, bytes, size);
    bad[0] = 0xFF; bad[1] = 0xFF; bad[2] = 0xFF; bad[3] = 0x7F;
    EXPECT(ifm_model_load_memory(bad, size, &m), IFM_ERR_MODEL_FORMAT, "ifm_model_load_memory");
    memcpy(bad, bytes, size);
    for (size_t i = 8; i < 40 && i < size; i++) bad[i] = '#';
    EXPECT(ifm_model_load_memory(bad, size, &m), IFM_ERR_MODEL_FORMAT, "ifm_model_load_memory");
    for (size_t i = 0; i < size; i++) bad[i] = (unsigned char)(i * 131u + 17u);
    EXPECT(ifm_model_load_memory(bad, size, &m), IFM_ERR_MODEL_FORMAT, "ifm_model_load_memory");

    /* The same garbage as a file. */
    char path[1024];
    snprintf(path, sizeof path, "%s/garbage.ifm", work);
    write_all(path, bad, size);
    EXPECT(ifm_model_load_file(path, &m), IFM_ERR_MODEL_FORMAT, "ifm_model_load_file");
    TRUE(strstr(ifm_last_error(), "garbage.ifm") != NULL);
    free(bad);

    /* Good loads, both ways, give the same model. */
    ifm_model *a = NULL, *b = NULL;
    EXPECT(ifm_model_load_file(model_path, &a), IFM_OK, NULL);
    EXPECT(ifm_model_load_memory(bytes, size, &b), IFM_OK, NULL);
    char id_a[65], id_b[65];
    EXPECT(ifm_model_id(a, id_a, sizeof id_a, NULL), IFM_OK, NULL);
    EXPECT(ifm_model_id(b, id_b, sizeof id_b, NULL), IFM_OK, NULL);
    TRUE(strlen(id_a) == 64 && strcmp(id_a, id_b) == 0);
    TRUE(a != b);
    EXPECT(ifm_model_free(a), IFM_OK, NULL);
    EXPECT(ifm_model_free(b), IFM_OK, NULL);
    free(bytes);
}

static void test_model_queries(ifm_model *m) {
    ifm_model_info info;
    EXPECT(ifm_model_get_info(NULL, &info), IFM_ERR_NULL_POINTER, "ifm_model_get_info");
    EXPECT(ifm_model_get_info(m, NULL), IFM_ERR_NULL_POINTER, "ifm_model_get_info");
    EXPECT(ifm_model_get_info((ifm_model *)(uintptr_t)0xDEADBEEF, &info), IFM_ERR_INVALID_HANDLE, "ifm_model_get_info");
    EXPECT(ifm_model_get_info(m, &info), IFM_OK, NULL);
    TRUE(info.neuron_count > 0 && info.input_count > 0 && info.output_count > 0);
    TRUE(info.neuron_count >= info.input_count + info.output_count);
    TRUE(info.dt > 0);

    size_t length = 0;
    char text[256];
    EXPECT(ifm_model_name(m, NULL, 0, &length), IFM_ERR_SIZE_MISMATCH, "ifm_model_name");
    TRUE(length > 0);
    EXPECT(ifm_model_name(m, NULL, 10, &length), IFM_ERR_NULL_POINTER, "ifm_model_name");
    EXPECT(ifm_model_name(NULL, text, sizeof text, &length), IFM_ERR_NULL_POINTER, "ifm_model_name");
    memset(text, 'x', sizeof text);
    EXPECT(ifm_model_name(m, text, length, NULL), IFM_ERR_SIZE_MISMATCH, "ifm_model_name");
    TRUE(text[0] == 'x'); /* nothing written when too small */
    EXPECT(ifm_model_name(m, text, length + 1, &length), IFM_OK, NULL);
    TRUE(strlen(text) == length);

    EXPECT(ifm_model_id(m, text, 64, &length), IFM_ERR_SIZE_MISMATCH, "ifm_model_id");
    TRUE(length == 64);
    EXPECT(ifm_model_id(m, text, 65, NULL), IFM_OK, NULL);

    EXPECT(ifm_model_input_name(m, 0, text, sizeof text, &length), IFM_OK, NULL);
    TRUE(length > 0 && strlen(text) == length);
    EXPECT(ifm_model_input_name(m, info.input_count, text, sizeof text, &length), IFM_ERR_INVALID_ARGUMENT, "ifm_model_input_name");
    EXPECT(ifm_model_input_name(m, (size_t)-1, text, sizeof text, &length), IFM_ERR_INVALID_ARGUMENT, "ifm_model_input_name");
    EXPECT(ifm_model_output_name(m, info.output_count - 1, text, sizeof text, NULL), IFM_OK, NULL);
    EXPECT(ifm_model_output_name(m, info.output_count, text, sizeof text, NULL), IFM_ERR_INVALID_ARGUMENT, "ifm_model_output_name");
    EXPECT(ifm_model_output_name(m, 0, text, 1, NULL), IFM_ERR_SIZE_MISMATCH, "ifm_model_output_name");
    EXPECT(ifm_model_output_name(NULL, 0, text, sizeof text, NULL), IFM_ERR_NULL_POINTER, "ifm_model_output_name");
}

static void test_session(ifm_model *m, ifm_model *other, const char *work) {
    ifm_model_info info;
    ifm_model_get_info(m, &info);
    ifm_session *s = (ifm_session *)0x1;
    EXPECT(ifm_session_create(NULL, &s), IFM_ERR_NULL_POINTER, "ifm_session_create");
    TRUE(s == NULL);
    EXPECT(ifm_session_create(m, NULL), IFM_ERR_NULL_POINTER, "ifm_session_create");
    EXPECT(ifm_session_create((const ifm_model *)(uintptr_t)0x12345678, &s), IFM_ERR_INVALID_HANDLE, "ifm_session_create");
    EXPECT(ifm_session_create(m, &s), IFM_OK, NULL);
    TRUE(s != NULL);

    /* A session handle is not a model handle and vice versa. */
    EXPECT(ifm_model_get_info((const ifm_model *)s, &info), IFM_ERR_INVALID_HANDLE, "ifm_model_get_info");
    EXPECT(ifm_step((ifm_session *)m, 1), IFM_ERR_INVALID_HANDLE, "ifm_step");
    EXPECT(ifm_model_free((ifm_model *)s), IFM_ERR_INVALID_HANDLE, "ifm_model_free");

    float *in = calloc(info.input_count + 1, sizeof(float));
    float *out = calloc(info.output_count + 1, sizeof(float));
    EXPECT(ifm_set_inputs(NULL, in, info.input_count), IFM_ERR_NULL_POINTER, "ifm_set_inputs");
    EXPECT(ifm_set_inputs(s, NULL, info.input_count), IFM_ERR_NULL_POINTER, "ifm_set_inputs");
    EXPECT(ifm_set_inputs(s, in, info.input_count - 1), IFM_ERR_SIZE_MISMATCH, "ifm_set_inputs");
    EXPECT(ifm_set_inputs(s, in, info.input_count + 1), IFM_ERR_SIZE_MISMATCH, "ifm_set_inputs");
    EXPECT(ifm_set_inputs(s, in, (size_t)-1), IFM_ERR_SIZE_MISMATCH, "ifm_set_inputs");
    EXPECT(ifm_set_inputs(s, in, info.input_count), IFM_OK, NULL);

    EXPECT(ifm_set_input(NULL, 0, 1.0f), IFM_ERR_NULL_POINTER, "ifm_set_input");
    EXPECT(ifm_set_input(s, info.input_count, 1.0f), IFM_ERR_INVALID_ARGUMENT, "ifm_set_input");
    EXPECT(ifm_set_input(s, 0, 1.0f), IFM_OK, NULL);

    EXPECT(ifm_step(NULL, 1), IFM_ERR_NULL_POINTER, "ifm_step");
    EXPECT(ifm_step(s, 0x80000000u), IFM_ERR_INVALID_ARGUMENT, "ifm_step");
    EXPECT(ifm_step(s, 0), IFM_OK, NULL);
    int64_t tick = -1;
    EXPECT(ifm_get_tick(s, &tick), IFM_OK, NULL);
    TRUE(tick == 0);
    EXPECT(ifm_step(s, 3), IFM_OK, NULL);
    EXPECT(ifm_get_tick(s, &tick), IFM_OK, NULL);
    TRUE(tick == 3);
    EXPECT(ifm_get_tick(s, NULL), IFM_ERR_NULL_POINTER, "ifm_get_tick");
    EXPECT(ifm_get_tick(NULL, &tick), IFM_ERR_NULL_POINTER, "ifm_get_tick");

    EXPECT(ifm_get_outputs(NULL, out, info.output_count), IFM_ERR_NULL_POINTER, "ifm_get_outputs");
    EXPECT(ifm_get_outputs(s, NULL, info.output_count), IFM_ERR_NULL_POINTER, "ifm_get_outputs");
    out[0] = 12345.0f;
    EXPECT(ifm_get_outputs(s, out, info.output_count - 1), IFM_ERR_SIZE_MISMATCH, "ifm_get_outputs");
    TRUE(out[0] == 12345.0f);
    EXPECT(ifm_get_outputs(s, out, info.output_count + 1), IFM_OK, NULL); /* larger buffers are fine */
    EXPECT(ifm_get_outputs(s, out, info.output_count), IFM_OK, NULL);
    for (uint32_t c = 0; c < info.output_count; c++) TRUE(isfinite(out[c]) && out[c] != 12345.0f);

    /* Plasticity controls. */
    int32_t flag = -1;
    EXPECT(ifm_plasticity_get_enabled(s, &flag), IFM_OK, NULL);
    TRUE(flag == (info.is_plastic ? 1 : flag));
    EXPECT(ifm_plasticity_get_enabled(s, NULL), IFM_ERR_NULL_POINTER, "ifm_plasticity_get_enabled");
    EXPECT(ifm_plasticity_get_enabled(NULL, &flag), IFM_ERR_NULL_POINTER, "ifm_plasticity_get_enabled");
    EXPECT(ifm_plasticity_set_enabled(s, 2), IFM_ERR_INVALID_ARGUMENT, "ifm_plasticity_set_enabled");
    EXPECT(ifm_plasticity_set_enabled(NULL, 0), IFM_ERR_NULL_POINTER, "ifm_plasticity_set_enabled");
    EXPECT(ifm_plasticity_set_enabled(s, 0), IFM_OK, NULL);
    EXPECT(ifm_plasticity_get_enabled(s, &flag), IFM_OK, NULL);
    TRUE(flag == 0);
    EXPECT(ifm_plasticity_set_enabled(s, 1), IFM_OK, NULL);
    EXPECT(ifm_plasticity_set_group_enabled(s, NULL, 1), IFM_ERR_NULL_POINTER, "ifm_plasticity_set_group_enabled");
    EXPECT(ifm_plasticity_set_group_enabled(s, "no-such-group", 1), IFM_ERR_INVALID_ARGUMENT, "ifm_plasticity_set_group_enabled");
    TRUE(strstr(ifm_last_error(), "no-such-group") != NULL);
    EXPECT(ifm_plasticity_set_group_enabled(NULL, "g", 1), IFM_ERR_NULL_POINTER, "ifm_plasticity_set_group_enabled");
    EXPECT(ifm_plasticity_set_rate_scale(s, -1.0f), IFM_ERR_INVALID_ARGUMENT, "ifm_plasticity_set_rate_scale");
    EXPECT(ifm_plasticity_set_rate_scale(s, NAN), IFM_ERR_INVALID_ARGUMENT, "ifm_plasticity_set_rate_scale");
    EXPECT(ifm_plasticity_set_rate_scale(s, INFINITY), IFM_ERR_INVALID_ARGUMENT, "ifm_plasticity_set_rate_scale");
    EXPECT(ifm_plasticity_set_rate_scale(NULL, 1.0f), IFM_ERR_NULL_POINTER, "ifm_plasticity_set_rate_scale");
    EXPECT(ifm_plasticity_set_rate_scale(s, 0.5f), IFM_OK, NULL);
    EXPECT(ifm_plasticity_set_rate_scale(s, 1.0f), IFM_OK, NULL);
    EXPECT(ifm_plasticity_set_modulator(s, NAN), IFM_ERR_INVALID_ARGUMENT, "ifm_plasticity_set_modulator");
    EXPECT(ifm_plasticity_set_modulator(NULL, 1.0f), IFM_ERR_NULL_POINTER, "ifm_plasticity_set_modulator");
    EXPECT(ifm_plasticity_set_modulator(s, 0.25f), IFM_OK, NULL);
    EXPECT(ifm_plasticity_set_errors(s, out, info.output_count + 1), IFM_ERR_SIZE_MISMATCH, "ifm_plasticity_set_errors");
    EXPECT(ifm_plasticity_set_errors(s, NULL, info.output_count), IFM_ERR_NULL_POINTER, "ifm_plasticity_set_errors");
    EXPECT(ifm_plasticity_set_errors(NULL, out, info.output_count), IFM_ERR_NULL_POINTER, "ifm_plasticity_set_errors");
    float *errors = calloc(info.output_count, sizeof(float));
    errors[info.output_count - 1] = NAN;
    EXPECT(ifm_plasticity_set_errors(s, errors, info.output_count), IFM_ERR_INVALID_ARGUMENT, "ifm_plasticity_set_errors");
    errors[info.output_count - 1] = 0.0f;
    EXPECT(ifm_plasticity_set_errors(s, errors, info.output_count), IFM_OK, NULL);
    free(errors);
    EXPECT(ifm_plasticity_guard(s, &flag), IFM_OK, NULL);
    TRUE(flag == 0);
    EXPECT(ifm_plasticity_guard(s, NULL), IFM_ERR_NULL_POINTER, "ifm_plasticity_guard");
    EXPECT(ifm_plasticity_guard(NULL, &flag), IFM_ERR_NULL_POINTER, "ifm_plasticity_guard");
    EXPECT(ifm_plasticity_clear_guard(NULL), IFM_ERR_NULL_POINTER, "ifm_plasticity_clear_guard");
    EXPECT(ifm_plasticity_clear_guard(s), IFM_OK, NULL);

    /* Checkpoints: round trip, then every way a load can be refused. */
    char path[1024], missing[1024], garbage[1024], foreign[1024];
    snprintf(path, sizeof path, "%s/state.ckpt", work);
    snprintf(missing, sizeof missing, "%s/no-such-dir/state.ckpt", work);
    snprintf(garbage, sizeof garbage, "%s/garbage.ckpt", work);
    snprintf(foreign, sizeof foreign, "%s/foreign.ckpt", work);
    EXPECT(ifm_checkpoint_save(NULL, path), IFM_ERR_NULL_POINTER, "ifm_checkpoint_save");
    EXPECT(ifm_checkpoint_save(s, NULL), IFM_ERR_NULL_POINTER, "ifm_checkpoint_save");
    EXPECT(ifm_checkpoint_save(s, ""), IFM_ERR_INVALID_ARGUMENT, "ifm_checkpoint_save");
    EXPECT(ifm_checkpoint_save(s, missing), IFM_ERR_IO, "ifm_checkpoint_save");
    for (uint32_t c = 0; c < info.input_count; c++) in[c] = (c % 2) ? 1.0f : 0.0f;
    ifm_set_inputs(s, in, info.input_count);
    ifm_step(s, 10);
    EXPECT(ifm_checkpoint_save(s, path), IFM_OK, NULL);
    float *saved = calloc(info.output_count, sizeof(float));
    float *after = calloc(info.output_count, sizeof(float));
    ifm_step(s, 5);
    ifm_get_outputs(s, saved, info.output_count);
    EXPECT(ifm_checkpoint_load(s, path), IFM_OK, NULL);
    EXPECT(ifm_get_tick(s, &tick), IFM_OK, NULL);
    TRUE(tick == 13);
    ifm_step(s, 5);
    ifm_get_outputs(s, after, info.output_count);
    TRUE(memcmp(saved, after, info.output_count * sizeof(float)) == 0);

    EXPECT(ifm_checkpoint_load(NULL, path), IFM_ERR_NULL_POINTER, "ifm_checkpoint_load");
    EXPECT(ifm_checkpoint_load(s, NULL), IFM_ERR_NULL_POINTER, "ifm_checkpoint_load");
    EXPECT(ifm_checkpoint_load(s, missing), IFM_ERR_IO, "ifm_checkpoint_load");
    size_t size = 0;
    unsigned char *bytes = read_all(path, &size);
    TRUE(bytes != NULL && size > 16);
    if (bytes == NULL || size <= 16) return;
    bytes[size - 3] ^= 0x5A; /* a flipped bit in the data: the CRC refuses it */
    write_all(garbage, bytes, size);
    EXPECT(ifm_checkpoint_load(s, garbage), IFM_ERR_CHECKPOINT, "ifm_checkpoint_load");
    write_all(garbage, bytes, size / 2); /* torn */
    EXPECT(ifm_checkpoint_load(s, garbage), IFM_ERR_CHECKPOINT, "ifm_checkpoint_load");
    free(bytes);
    ifm_session *o = NULL;
    EXPECT(ifm_session_create(other, &o), IFM_OK, NULL);
    EXPECT(ifm_checkpoint_save(o, foreign), IFM_OK, NULL);
    EXPECT(ifm_checkpoint_load(s, foreign), IFM_ERR_CHECKPOINT, "ifm_checkpoint_load"); /* another model's state */
    EXPECT(ifm_session_destroy(o), IFM_OK, NULL);

    /* Reset. */
    EXPECT(ifm_reset(NULL), IFM_ERR_NULL_POINTER, "ifm_reset");
    EXPECT(ifm_reset(s), IFM_OK, NULL);
    EXPECT(ifm_get_tick(s, &tick), IFM_OK, NULL);
    TRUE(tick == 0);

    /* Closed handles: every session call refuses them, and a new session does not revive the old handle. */
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    EXPECT(ifm_session_destroy(s), IFM_ERR_INVALID_HANDLE, "ifm_session_destroy");
    ifm_session *fresh = NULL;
    EXPECT(ifm_session_create(m, &fresh), IFM_OK, NULL);
    TRUE(fresh != s);
    EXPECT(ifm_set_inputs(s, in, info.input_count), IFM_ERR_INVALID_HANDLE, "ifm_set_inputs");
    EXPECT(ifm_set_input(s, 0, 0.0f), IFM_ERR_INVALID_HANDLE, "ifm_set_input");
    EXPECT(ifm_step(s, 1), IFM_ERR_INVALID_HANDLE, "ifm_step");
    EXPECT(ifm_get_outputs(s, out, info.output_count), IFM_ERR_INVALID_HANDLE, "ifm_get_outputs");
    EXPECT(ifm_get_tick(s, &tick), IFM_ERR_INVALID_HANDLE, "ifm_get_tick");
    EXPECT(ifm_reset(s), IFM_ERR_INVALID_HANDLE, "ifm_reset");
    EXPECT(ifm_plasticity_set_enabled(s, 1), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_set_enabled");
    EXPECT(ifm_plasticity_get_enabled(s, &flag), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_get_enabled");
    EXPECT(ifm_plasticity_set_group_enabled(s, "g", 1), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_set_group_enabled");
    EXPECT(ifm_plasticity_set_rate_scale(s, 1.0f), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_set_rate_scale");
    EXPECT(ifm_plasticity_set_modulator(s, 0.0f), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_set_modulator");
    EXPECT(ifm_plasticity_set_errors(s, out, info.output_count), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_set_errors");
    EXPECT(ifm_plasticity_guard(s, &flag), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_guard");
    EXPECT(ifm_plasticity_clear_guard(s), IFM_ERR_INVALID_HANDLE, "ifm_plasticity_clear_guard");
    EXPECT(ifm_checkpoint_save(s, path), IFM_ERR_INVALID_HANDLE, "ifm_checkpoint_save");
    EXPECT(ifm_checkpoint_load(s, path), IFM_ERR_INVALID_HANDLE, "ifm_checkpoint_load");
    EXPECT(ifm_step(fresh, 1), IFM_OK, NULL);

    /* Sessions outlive their model handle. */
    ifm_model *temp = NULL;
    ifm_session *orphan = NULL;
    char model_id[65];
    ifm_model_id(m, model_id, sizeof model_id, NULL);
    EXPECT(ifm_model_load_file(work, &temp), IFM_ERR_IO, "ifm_model_load_file"); /* a directory is not a model */
    EXPECT(ifm_session_destroy(fresh), IFM_OK, NULL);
    EXPECT(ifm_session_destroy(NULL), IFM_OK, NULL);
    (void)orphan;
    free(in);
    free(out);
    free(saved);
    free(after);
}

/* ifm_session_create_with_options (ABI 1.1): backends by name, the CPU layout, plasticity off; bad options refused. */
static int outputs_close(ifm_session *x, ifm_session *y, uint32_t n, float tolerance) {
    float a[64], b[64];
    if (n > 64 || ifm_get_outputs(x, a, n) != IFM_OK || ifm_get_outputs(y, b, n) != IFM_OK) return 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!(fabsf(a[i] - b[i]) <= tolerance)) return 0;
    }
    return 1;
}

static void run_ticks(ifm_session *s, const ifm_model_info *info, int ticks) {
    float in[64];
    for (uint32_t i = 0; i < info->input_count && i < 64; i++) in[i] = (float)((i % 3) == 0);
    ifm_set_inputs(s, in, info->input_count);
    ifm_step(s, (uint32_t)ticks);
}

static void test_session_options(ifm_model *m) {
    ifm_model_info info;
    ifm_model_get_info(m, &info);
    TRUE((ifm_abi_version() & 0xFFFFu) >= 1);
    TRUE(strncmp(ifm_status_string(IFM_ERR_CONFIGURATION), "IFM_ERR_CONFIGURATION", 21) == 0);
    TRUE(strncmp(ifm_status_string(IFM_ERR_BACKEND), "IFM_ERR_BACKEND", 15) == 0);
    TRUE(strncmp(ifm_status_string(IFM_ERR_CANCELLED), "IFM_ERR_CANCELLED", 17) == 0);

    ifm_session *ref = NULL, *s = (ifm_session *)0x1;
    EXPECT(ifm_session_create(m, &ref), IFM_OK, NULL);
    run_ticks(ref, &info, 50);

    ifm_session_options o;
    memset(&o, 0, sizeof o);
    EXPECT(ifm_session_create_with_options(NULL, &o, &s), IFM_ERR_NULL_POINTER, "ifm_session_create_with_options");
    TRUE(s == NULL);
    EXPECT(ifm_session_create_with_options(m, &o, NULL), IFM_ERR_NULL_POINTER, "ifm_session_create_with_options");
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_ERR_INVALID_ARGUMENT, "ifm_session_create_with_options"); /* struct_size 0 */
    TRUE(strstr(ifm_last_error(), "struct_size") != NULL);
    o.struct_size = sizeof o;
    o.layout = 7;
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_ERR_INVALID_ARGUMENT, "ifm_session_create_with_options");
    o.layout = IFM_LAYOUT_AUTO;
    o.plasticity_off = 2;
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_ERR_INVALID_ARGUMENT, "ifm_session_create_with_options");
    o.plasticity_off = 0;
    o.backend = "cuda";
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_ERR_CONFIGURATION, "ifm_session_create_with_options");
    TRUE(strstr(ifm_last_error(), "unknown backend 'cuda' (expected cpu, opencl or auto)") != NULL);
    TRUE(s == NULL);

    /* NULL options and all-default options: the CPU engine, the same ticks as ifm_session_create. */
    EXPECT(ifm_session_create_with_options(m, NULL, &s), IFM_OK, NULL);
    run_ticks(s, &info, 50);
    TRUE(outputs_close(s, ref, info.output_count, 0.0f));
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    o.backend = NULL;
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_OK, NULL);
    run_ticks(s, &info, 50);
    TRUE(outputs_close(s, ref, info.output_count, 0.0f));
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);

    /* Both layouts by name compute the same network (summation order may differ in the last bits). */
    const int layouts[2] = {IFM_LAYOUT_DENSE, IFM_LAYOUT_SPARSE};
    for (int i = 0; i < 2; i++) {
        o.backend = "cpu";
        o.layout = layouts[i];
        EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_OK, NULL);
        run_ticks(s, &info, 50);
        TRUE(outputs_close(s, ref, info.output_count, 1e-4f));
        EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    }
    o.layout = IFM_LAYOUT_AUTO;

    /* Learning off: the session starts frozen. */
    int32_t enabled = -1;
    o.plasticity_off = 1;
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_OK, NULL);
    EXPECT(ifm_plasticity_get_enabled(s, &enabled), IFM_OK, NULL);
    TRUE(enabled == 0);
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    o.plasticity_off = 0;

    /* threads (ABI 1.2): the CPU tick on several threads computes the same outputs bit for bit; negative is refused;
       a program built against ABI 1.1 (struct_size without threads) still gets a one-thread session. */
    TRUE((ifm_abi_version() & 0xFFFFu) >= 2);
    o.threads = -1;
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_ERR_INVALID_ARGUMENT, "ifm_session_create_with_options");
    TRUE(strstr(ifm_last_error(), "threads") != NULL);
    o.threads = 2;
    o.backend = "cpu";
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_OK, NULL);
    run_ticks(s, &info, 50);
    TRUE(outputs_close(s, ref, info.output_count, 0.0f));
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    o.struct_size = (uint32_t)offsetof(ifm_session_options, threads);
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_OK, NULL);
    run_ticks(s, &info, 50);
    TRUE(outputs_close(s, ref, info.output_count, 0.0f));
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    o.struct_size = (uint32_t)offsetof(ifm_session_options, threads) - 4u;
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_ERR_INVALID_ARGUMENT, "ifm_session_create_with_options");
    o.struct_size = sizeof o;
    o.threads = 0;
    o.backend = NULL;

    /* OpenCL: a session when a driver is installed, else IFM_ERR_BACKEND saying why; a device that is not there fails. */
    o.backend = "opencl";
    ifm_status cl = ifm_session_create_with_options(m, &o, &s);
    TRUE(cl == IFM_OK || cl == IFM_ERR_BACKEND);
    if (cl == IFM_OK) {
        run_ticks(s, &info, 50);
        TRUE(outputs_close(s, ref, info.output_count, 1e-3f));
        EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
        printf("abi_test: opencl backend ran\n");
    } else {
        TRUE(strstr(ifm_last_error(), "OpenCL backend not available: ") != NULL);
        printf("abi_test: opencl backend not available here\n");
    }
    o.device = "9:9";
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_ERR_BACKEND, "ifm_session_create_with_options");
    o.device = NULL;

    /* auto: measures, then a session at tick 0 with learning as asked. */
    int64_t tick = -1;
    o.backend = "auto";
    o.plasticity_off = 1;
    EXPECT(ifm_session_create_with_options(m, &o, &s), IFM_OK, NULL);
    EXPECT(ifm_get_tick(s, &tick), IFM_OK, NULL);
    TRUE(tick == 0);
    EXPECT(ifm_plasticity_get_enabled(s, &enabled), IFM_OK, NULL);
    TRUE(enabled == 0);
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    EXPECT(ifm_session_destroy(ref), IFM_OK, NULL);
}

static void test_closed_model(const char *model_path) {
    ifm_model *m = NULL;
    ifm_session *s = NULL;
    EXPECT(ifm_model_load_file(model_path, &m), IFM_OK, NULL);
    EXPECT(ifm_session_create(m, &s), IFM_OK, NULL);
    EXPECT(ifm_model_free(m), IFM_OK, NULL);
    EXPECT(ifm_step(s, 2), IFM_OK, NULL); /* the session keeps running */
    ifm_model_info info;
    char text[80];
    ifm_session *s2 = NULL;
    EXPECT(ifm_model_free(m), IFM_ERR_INVALID_HANDLE, "ifm_model_free");
    EXPECT(ifm_model_get_info(m, &info), IFM_ERR_INVALID_HANDLE, "ifm_model_get_info");
    EXPECT(ifm_model_name(m, text, sizeof text, NULL), IFM_ERR_INVALID_HANDLE, "ifm_model_name");
    EXPECT(ifm_model_id(m, text, sizeof text, NULL), IFM_ERR_INVALID_HANDLE, "ifm_model_id");
    EXPECT(ifm_model_input_name(m, 0, text, sizeof text, NULL), IFM_ERR_INVALID_HANDLE, "ifm_model_input_name");
    EXPECT(ifm_model_output_name(m, 0, text, sizeof text, NULL), IFM_ERR_INVALID_HANDLE, "ifm_model_output_name");
    EXPECT(ifm_session_create(m, &s2), IFM_ERR_INVALID_HANDLE, "ifm_session_create");
    EXPECT(ifm_model_free(NULL), IFM_OK, NULL);
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
}

/* The servo of devices/Ifm.Devices/Simulation/ServoPlant.cs (DC motor, 10 ms steps) with a constant load torque. */
typedef struct { float position, velocity, command; long steps; } servo;

static float servo_target(long step) {
    float t = step * 0.01f;
    return 0.6f * sinf(2 * 3.14159265f * 0.2f * t) + 0.3f * sinf(2 * 3.14159265f * 0.53f * t);
}

static void servo_step(servo *p, float load) {
    float u = p->command < -1 ? -1 : p->command > 1 ? 1 : p->command;
    float torque = u - 0.1f * p->velocity - load;
    p->velocity += 0.01f * torque / 0.02f;
    p->position += 0.01f * p->velocity;
    p->steps++;
}

/* Runs the controller on the loaded servo for `steps`; returns the RMS tracking error over the last `last` steps. */
static double servo_run(ifm_session *s, long steps, long last) {
    servo p = {0, 0, 0, 0};
    double sum = 0;
    for (long k = 0; k < steps; k++) {
        float e = servo_target(p.steps) - p.position;
        float in[2] = {e < -1 ? -1 : e > 1 ? 1 : e, p.velocity / 10 < -1 ? -1 : p.velocity / 10 > 1 ? 1 : p.velocity / 10};
        float out[1];
        if (ifm_set_inputs(s, in, 2) != IFM_OK || ifm_step(s, 1) != IFM_OK || ifm_get_outputs(s, out, 1) != IFM_OK) return -1;
        p.command = out[0];
        servo_step(&p, 0.4f);
        float after = servo_target(p.steps) - p.position;
        if (k >= steps - last) sum += (double)after * after;
    }
    return sqrt(sum / last);
}

static void test_learning(const char *servo_pes_path, const char *work) {
    ifm_model *m = NULL;
    ifm_session *s = NULL, *plain = NULL;
    EXPECT(ifm_model_load_file(servo_pes_path, &m), IFM_OK, NULL);
    EXPECT(ifm_session_create(m, &s), IFM_OK, NULL);
    EXPECT(ifm_session_create(m, &plain), IFM_OK, NULL);
    TRUE(ifm_abi_version() >= ((1u << 16) | 2u));

    /* Validation: every refusal names the function and the key. */
    EXPECT(ifm_learning_configure(NULL, "{}"), IFM_ERR_NULL_POINTER, "ifm_learning_configure");
    EXPECT(ifm_learning_configure(s, "{\"errors\": {\"out9\": \"-input.in0\"}}"), IFM_ERR_CONFIGURATION, "ifm_learning_configure");
    TRUE(strstr(ifm_last_error(), "learning.errors.out9") != NULL);
    EXPECT(ifm_learning_configure(s, "{\"errors\": {\"out0\": \"-input.nope\"}}"), IFM_ERR_CONFIGURATION, "ifm_learning_configure");
    TRUE(strstr(ifm_last_error(), "input.nope") != NULL);
    EXPECT(ifm_learning_configure(s, "{\"modulator\": \"input.in0\"}"), IFM_ERR_CONFIGURATION, "ifm_learning_configure");
    TRUE(strstr(ifm_last_error(), "external modulator") != NULL);
    EXPECT(ifm_learning_configure(s, "{\"errors\": "), IFM_ERR_CONFIGURATION, "ifm_learning_configure");
    EXPECT(ifm_learning_configure(s, "{\"watchdog\": {\"floor\": 0}}"), IFM_ERR_CONFIGURATION, "ifm_learning_configure");
    EXPECT(ifm_learning_configure(s, "{\"groups\": {\"static\": {\"rateScale\": 2}}}"), IFM_ERR_CONFIGURATION, "ifm_learning_configure");
    ifm_learning_status st;
    memset(&st, 0, sizeof st);
    EXPECT(ifm_learning_get_status(s, &st), IFM_ERR_INVALID_ARGUMENT, "ifm_learning_get_status");
    st.struct_size = sizeof st;
    EXPECT(ifm_learning_get_status(s, NULL), IFM_ERR_NULL_POINTER, "ifm_learning_get_status");
    EXPECT(ifm_learning_get_status(s, &st), IFM_OK, NULL);
    TRUE(st.bound == 0 && isnan(st.performance) && st.updates == 0);

    /* Bound: the PES error measured - target = -(target - position) = -input.in0 comes from the inputs the program sets. */
    EXPECT(ifm_learning_configure(s, "{\"errors\": {\"out0\": \"-input.in0\"}, \"performance\": \"-abs(input.in0)\"}"), IFM_OK, NULL);
    double adaptive = servo_run(s, 6000, 2000);
    double unbound = servo_run(plain, 6000, 2000);
    printf("abi_test: servo under load, RMS error over the last 2000 steps: bound %.4f rad, unbound %.4f rad\n", adaptive, unbound);
    TRUE(adaptive > 0 && unbound > 0 && adaptive < 0.6 * unbound);
    EXPECT(ifm_learning_get_status(s, &st), IFM_OK, NULL);
    TRUE(st.bound == 1 && st.updates == 6000 && st.rollbacks == 0 && st.frozen == 0 && isfinite(st.performance) && st.performance <= 0);

    /* A destabilising error gain is caught by the watchdog: frozen and rolled back; resume unfreezes. */
    char json[512];
    snprintf(json, sizeof json, "{\"errors\": {\"out0\": \"-400 * input.in0\"}, \"performance\": \"-abs(input.in0)\", "
             "\"groups\": {\"pes\": {\"rateScale\": 50}}, \"watchdog\": {\"floor\": -0.15, \"window\": 20, \"snapshotEvery\": 20, \"checkpoint\": \"%s/guard.ckpt\"}}", work);
    EXPECT(ifm_reset(plain), IFM_OK, NULL);
    EXPECT(ifm_learning_configure(plain, json), IFM_OK, NULL);
    servo_run(plain, 3000, 1000);
    EXPECT(ifm_learning_get_status(plain, &st), IFM_OK, NULL);
    TRUE(st.rollbacks >= 1 && st.frozen == 1);
    EXPECT(ifm_learning_resume(plain), IFM_OK, NULL);
    EXPECT(ifm_learning_get_status(plain, &st), IFM_OK, NULL);
    TRUE(st.frozen == 0);
    char guard[600];
    snprintf(guard, sizeof guard, "%s/guard.ckpt", work);
    EXPECT(ifm_checkpoint_load(s, guard), IFM_OK, NULL);
    EXPECT(ifm_learning_configure(s, NULL), IFM_OK, NULL);
    EXPECT(ifm_learning_get_status(s, &st), IFM_OK, NULL);
    TRUE(st.bound == 0);
    EXPECT(ifm_learning_resume(s), IFM_OK, NULL);
    EXPECT(ifm_session_destroy(s), IFM_OK, NULL);
    EXPECT(ifm_learning_configure(s, "{}"), IFM_ERR_INVALID_HANDLE, "ifm_learning_configure");
    EXPECT(ifm_learning_get_status(s, &st), IFM_ERR_INVALID_HANDLE, "ifm_learning_get_status");
    EXPECT(ifm_learning_resume(s), IFM_ERR_INVALID_HANDLE, "ifm_learning_resume");
    EXPECT(ifm_session_destroy(plain), IFM_OK, NULL);
    EXPECT(ifm_model_free(m), IFM_OK, NULL);
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: abi_test MODEL_A.ifm MODEL_B.ifm WORK_DIR [SERVO_PES.ifm]\n");
        return 2;
    }
    test_library();
    test_loading(argv[1], argv[3]);
    ifm_model *a = NULL, *b = NULL;
    if (ifm_model_load_file(argv[1], &a) != IFM_OK || ifm_model_load_file(argv[2], &b) != IFM_OK) {
        printf("FAIL: cannot load the models: %s\n", ifm_last_error());
        return 1;
    }
    test_model_queries(a);
    test_session(a, b, argv[3]);
    test_session_options(a);
    test_closed_model(argv[1]);
    if (argc == 5) test_learning(argv[4], argv[3]);
    ifm_model_free(a);
    ifm_model_free(b);
    printf("abi_test: %d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
