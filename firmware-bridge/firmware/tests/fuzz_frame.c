/* Fuzz harness for the frame parser and the device's dispatch of what it parses (the bytes a host sends).
 *
 * One input is interpreted by its first byte:
 *   even: the rest is raw wire bytes, fed as received (COBS, CRC, delimiters, garbage);
 *   odd:  the rest is a list of decoded frames (length byte, then that many bytes of header + payload), each sealed
 *         with a correct CRC and COBS by the harness, so that mutations reach the device's command handling.
 * The bytes go to a bare parser and, through a fake HAL, to a device with two actuators. Checked on every input:
 * an accepted frame has a bounded payload and re-encodes to a frame that parses back to the same fields; everything
 * the device writes parses as valid frames; the device only ever drives finite values within the channel ranges.
 *
 * Built two ways (CMakeLists.txt, test.sh):
 *   - with clang -fsanitize=fuzzer: LLVMFuzzerTestOneInput is driven by libFuzzer (-runs=N, corpus directories);
 *   - otherwise (IFM_FUZZ_STANDALONE): a seeded mutation runner: `fuzz_frame <corpus-dir> <iterations> [seed]`
 *     replays every corpus file, then mutates them (bit flips, byte sets, inserts, deletes, splices, delimiters)
 *     for the given number of iterations. On a crash or a failed check the input is written to
 *     crash-fuzz_frame.bin in the working directory: add it to the corpus as a regression input. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifm_device.h"
#include "ifm_frame.h"
#include "script_source.h"

#define FUZZ_CHECK(cond)                                                                                         \
    do {                                                                                                          \
        if (!(cond)) {                                                                                            \
            fprintf(stderr, "fuzz_frame: check failed at line %d: %s\n", __LINE__, #cond);                      \
            abort();                                                                                              \
        }                                                                                                         \
    } while (0)

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    uint32_t now;
    ifm_parser_t out; /* parses what the device writes */
} fuzz_hal_t;

static size_t h_read(void *ctx, uint8_t *buf, size_t cap)
{
    fuzz_hal_t *h = ctx;
    return script_take(h->data, h->len, &h->pos, buf, cap, 1 + (h->pos * 7u) % 61u); /* varying read sizes */
}

static void h_write(void *ctx, const uint8_t *data, size_t len)
{
    fuzz_hal_t *h = ctx;
    for (size_t i = 0; i < len; i++) {
        ifm_frame_t f;
        ifm_parse_result_t r = ifm_parser_push(&h->out, data[i], &f);
        FUZZ_CHECK(r == IFM_PARSE_NONE || r == IFM_PARSE_FRAME || r == IFM_PARSE_EMPTY); /* device output is valid */
    }
}

static uint32_t h_micros(void *ctx)
{
    fuzz_hal_t *h = ctx;
    h->now += 97; /* time passes: watchdog and sensor stream paths run too */
    return h->now;
}

static float h_sensor(void *ctx, uint8_t ch)
{
    (void)ctx;
    return 0.25f * (float)ch;
}

static const ifm_device_info_t k_info = {
    1, 0, 0, 0xF022u, 2, 2,
    {{2, 0.0f, 1.0f}, {3, -2.0f, 2.0f}},
    {{3, -1.0f, 1.0f, 0.0f}, {5, 0.0f, 1.0f, 0.0f}},
};

static void h_actuator(void *ctx, uint8_t ch, float v)
{
    (void)ctx;
    FUZZ_CHECK(ch < k_info.actuator_count);
    FUZZ_CHECK(isfinite(v) && v >= k_info.actuators[ch].min && v <= k_info.actuators[ch].max);
}

static void h_event(void *ctx, ifm_event_t ev, uint32_t arg)
{
    (void)ctx;
    (void)ev;
    (void)arg;
}

/* The bare parser on the same bytes: every accepted frame is bounded and survives a re-encode round trip. */
static void check_parser(const uint8_t *data, size_t len)
{
    static ifm_parser_t p, back;
    static uint8_t wire[IFM_MAX_WIRE];
    ifm_parser_init(&p);
    for (size_t i = 0; i < len; i++) {
        ifm_frame_t f;
        if (ifm_parser_push(&p, data[i], &f) != IFM_PARSE_FRAME) {
            continue;
        }
        FUZZ_CHECK(f.payload_len <= IFM_MAX_PAYLOAD);
        size_t n = ifm_frame_encode(f.type, f.seq, f.ack, f.payload, f.payload_len, wire);
        FUZZ_CHECK(n > 0 && n <= IFM_MAX_WIRE);
        ifm_parser_init(&back);
        int frames = 0;
        for (size_t k = 0; k < n; k++) {
            ifm_frame_t g;
            if (ifm_parser_push(&back, wire[k], &g) == IFM_PARSE_FRAME) {
                frames++;
                FUZZ_CHECK(g.type == f.type && g.seq == f.seq && g.ack == f.ack && g.payload_len == f.payload_len);
                FUZZ_CHECK(memcmp(g.payload, f.payload, f.payload_len) == 0);
            }
        }
        FUZZ_CHECK(frames == 1);
    }
}

/* Odd first byte: seals each (length, bytes) record as a frame with a correct CRC; the wire goes to out. */
static size_t seal_frames(const uint8_t *data, size_t len, uint8_t *out, size_t cap)
{
    size_t at = 0, used = 0;
    while (at < len && used + IFM_MAX_WIRE <= cap) {
        size_t n = data[at++];
        if (n > len - at) n = len - at;
        if (n >= 6) {
            const uint8_t *fr = data + at;
            size_t plen = n - 6;
            if (plen > IFM_MAX_PAYLOAD) plen = IFM_MAX_PAYLOAD;
            /* fr[0] (the version) is ignored by the encoder: a frame of version 1 is what the device acts on. */
            used += ifm_frame_encode(fr[1], (uint16_t)(fr[2] | fr[3] << 8), (uint16_t)(fr[4] | fr[5] << 8), fr + 6, plen,
                                     out + used);
        }
        at += n;
    }
    return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t sealed[64 * IFM_MAX_WIRE];
    static ifm_device_t dev;
    static fuzz_hal_t h;
    if (size == 0) {
        return 0;
    }
    const uint8_t *bytes = data + 1;
    size_t n = size - 1;
    if (data[0] & 1u) {
        n = seal_frames(bytes, n, sealed, sizeof sealed);
        bytes = sealed;
    }

    check_parser(bytes, n);

    memset(&h, 0, sizeof h);
    ifm_parser_init(&h.out);
    h.data = bytes;
    h.len = n;
    ifm_hal_t hal = {&h, h_read, h_write, h_micros, h_sensor, h_actuator, h_event};
    ifm_device_init(&dev, &hal, &k_info);
    for (int polls = 0; h.pos < h.len && polls < 100000; polls++) {
        ifm_device_poll(&dev);
    }
    for (int i = 0; i < 8; i++) {
        ifm_device_poll(&dev); /* let the watchdog and the stream run after the input ends */
    }
    return 0;
}

#ifdef IFM_FUZZ_STANDALONE
#include <dirent.h>
#include <signal.h>

#define FUZZ_MAX_INPUT 4096
#define FUZZ_MAX_CORPUS 512

static uint8_t *g_corpus[FUZZ_MAX_CORPUS];
static size_t g_corpus_len[FUZZ_MAX_CORPUS];
static size_t g_corpus_count;
static uint8_t g_current[FUZZ_MAX_INPUT];
static size_t g_current_len;
static uint64_t g_rng;

static uint32_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng >> 11);
}

static void save_crash(int sig)
{
    FILE *f = fopen("crash-fuzz_frame.bin", "wb");
    if (f) {
        fwrite(g_current, 1, g_current_len, f);
        fclose(f);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void load_corpus(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz_frame: cannot open corpus directory %s\n", dir);
        exit(2);
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && g_corpus_count < FUZZ_MAX_CORPUS) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        uint8_t *buf = malloc(FUZZ_MAX_INPUT);
        size_t n = fread(buf, 1, FUZZ_MAX_INPUT, f);
        fclose(f);
        g_corpus[g_corpus_count] = buf;
        g_corpus_len[g_corpus_count++] = n;
    }
    closedir(d);
}

static void run_current(void)
{
    LLVMFuzzerTestOneInput(g_current, g_current_len);
}

static void mutate(void)
{
    int rounds = 1 + (int)(rnd() % 6);
    for (int r = 0; r < rounds; r++) {
        size_t at = g_current_len ? rnd() % g_current_len : 0;
        switch (rnd() % 8) {
        case 0: /* bit flip */
            if (g_current_len) g_current[at] ^= (uint8_t)(1u << (rnd() % 8));
            break;
        case 1: /* random byte */
            if (g_current_len) g_current[at] = (uint8_t)rnd();
            break;
        case 2: /* interesting byte */
            if (g_current_len) {
                static const uint8_t v[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0xC0, 0x06};
                g_current[at] = v[rnd() % sizeof v];
            }
            break;
        case 3: /* insert random bytes */
            if (g_current_len < FUZZ_MAX_INPUT - 16) {
                size_t k = 1 + rnd() % 16;
                memmove(g_current + at + k, g_current + at, g_current_len - at);
                for (size_t i = 0; i < k; i++) g_current[at + i] = (uint8_t)rnd();
                g_current_len += k;
            }
            break;
        case 4: /* delete a run */
            if (g_current_len > 1) {
                size_t k = 1 + rnd() % 16;
                if (at + k > g_current_len) k = g_current_len - at;
                memmove(g_current + at, g_current + at + k, g_current_len - at - k);
                g_current_len -= k;
            }
            break;
        case 5: { /* splice in part of another corpus entry */
            size_t c = rnd() % g_corpus_count;
            size_t len = g_corpus_len[c];
            if (len && g_current_len < FUZZ_MAX_INPUT - len) {
                size_t from = rnd() % len, k = 1 + rnd() % (len - from);
                memmove(g_current + at + k, g_current + at, g_current_len - at);
                memcpy(g_current + at, g_corpus[c] + from, k);
                g_current_len += k;
            }
            break;
        }
        case 6: /* duplicate a chunk (repeated frames) */
            if (g_current_len && g_current_len < FUZZ_MAX_INPUT / 2) {
                size_t k = 1 + rnd() % (g_current_len - at);
                memmove(g_current + at + k, g_current + at, g_current_len - at);
                g_current_len += k;
            }
            break;
        default: /* long run of non-zero bytes (oversize) */
            if (g_current_len < FUZZ_MAX_INPUT - 300) {
                size_t k = 200 + rnd() % 100;
                memmove(g_current + at + k, g_current + at, g_current_len - at);
                for (size_t i = 0; i < k; i++) g_current[at + i] = (uint8_t)(1 + rnd() % 255);
                g_current_len += k;
            }
            break;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fuzz_frame <corpus-dir> <iterations> [seed]\n");
        return 2;
    }
    long iterations = atol(argv[2]);
    g_rng = argc > 3 ? strtoull(argv[3], NULL, 10) : 0x1F3D5B79u;
    if (g_rng == 0) g_rng = 1;
    load_corpus(argv[1]);
    if (g_corpus_count == 0) {
        fprintf(stderr, "fuzz_frame: the corpus %s is empty\n", argv[1]);
        return 2;
    }
    signal(SIGABRT, save_crash);
    signal(SIGSEGV, save_crash);
    for (size_t c = 0; c < g_corpus_count; c++) {
        memcpy(g_current, g_corpus[c], g_corpus_len[c]);
        g_current_len = g_corpus_len[c];
        run_current();
    }
    for (long it = 0; it < iterations; it++) {
        size_t c = rnd() % g_corpus_count;
        memcpy(g_current, g_corpus[c], g_corpus_len[c]);
        g_current_len = g_corpus_len[c];
        mutate();
        run_current();
    }
    printf("fuzz_frame: %zu corpus inputs replayed, %ld mutated inputs, no failure (seed %llu)\n", g_corpus_count,
           iterations, (unsigned long long)(argc > 3 ? strtoull(argv[3], NULL, 10) : 0x1F3D5B79u));
    for (size_t c = 0; c < g_corpus_count; c++) free(g_corpus[c]);
    return 0;
}
#endif
