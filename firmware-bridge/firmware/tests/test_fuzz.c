/* Parser robustness: random bytes, truncated, bit-flipped and oversize frames mixed with good frames.
 * Never accepts a corrupt frame; accepts the next good frame after a delimiter. Run under ASan/UBSan too. */
#include <string.h>

#include "check.h"
#include "ifm_frame.h"

static uint32_t rng = 0x2545F491u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* A random valid frame; its wire bytes go to wire, the decoded fields to the out params. */
static size_t good_frame(uint8_t *wire, uint8_t *type, uint16_t *seq, uint8_t *payload, size_t *plen)
{
    *type = (uint8_t)(1 + rnd() % 8);
    *seq = (uint16_t)rnd();
    *plen = rnd() % (IFM_MAX_PAYLOAD + 1);
    for (size_t i = 0; i < *plen; i++) {
        payload[i] = (uint8_t)(rnd() % 4 == 0 ? 0 : rnd());
    }
    return ifm_frame_encode(*type, *seq, (uint16_t)(0xFFFFu ^ *seq), payload, *plen, wire);
}

static ifm_parser_t parser;
static long accepted_total;

/* Pushes bytes; returns the number of frames accepted. Every accepted frame must equal the expected one
 * (when expected_type != 0) - a corrupt chunk passes expected_type = 0, so any acceptance fails. */
static int push(const uint8_t *b, size_t n, uint8_t expected_type, uint16_t expected_seq, const uint8_t *payload,
                size_t plen)
{
    int frames = 0;
    for (size_t i = 0; i < n; i++) {
        ifm_frame_t f;
        if (ifm_parser_push(&parser, b[i], &f) == IFM_PARSE_FRAME) {
            frames++;
            accepted_total++;
            CHECK_MSG(expected_type != 0, "corrupt frame accepted (type %u seq %u)", f.type, f.seq);
            if (expected_type != 0) {
                CHECK(f.type == expected_type && f.seq == expected_seq);
                CHECK((unsigned)f.ack + (unsigned)expected_seq == 0xFFFFu);
                CHECK(f.payload_len == plen && memcmp(f.payload, payload, plen) == 0);
            }
        }
    }
    return frames;
}

int main(void)
{
    enum { ITERATIONS = 150000 }; /* 4 in 5 carry corrupt input: ~120,000 corrupt chunks */
    static uint8_t wire[IFM_MAX_WIRE], bad[4 * IFM_MAX_WIRE], payload[IFM_MAX_PAYLOAD];
    uint8_t type;
    uint16_t seq;
    size_t plen;
    long kinds[5] = {0};
    ifm_parser_init(&parser);

    for (long it = 0; it < ITERATIONS; it++) {
        int kind = (int)(rnd() % 5);
        kinds[kind]++;
        size_t n = 0;
        size_t wn = good_frame(wire, &type, &seq, payload, &plen);
        switch (kind) {
        case 0: /* random bytes, zeros included */
            n = rnd() % sizeof bad;
            for (size_t i = 0; i < n; i++) {
                bad[i] = (uint8_t)rnd();
            }
            break;
        case 1: /* truncated frame: a prefix of a good frame, then a delimiter */
            n = rnd() % (wn - 1);
            memcpy(bad, wire, n);
            bad[n++] = 0;
            break;
        case 2: { /* 1..4 bit flips anywhere in the frame body (the delimiter stays) */
            memcpy(bad, wire, wn);
            n = wn;
            int flips = 1 + (int)(rnd() % 4);
            for (int k = 0; k < flips; k++) {
                size_t at = rnd() % (wn - 1);
                bad[at] ^= (uint8_t)(1u << (rnd() % 8));
            }
            break;
        }
        case 3: /* oversize: more non-zero bytes than any frame, then a delimiter */
            n = IFM_MAX_WIRE + 1 + rnd() % (sizeof bad - IFM_MAX_WIRE - 2);
            for (size_t i = 0; i < n; i++) {
                bad[i] = (uint8_t)(1 + rnd() % 255);
            }
            bad[n++] = 0;
            break;
        default: /* good frame only */
            break;
        }
        if (kind == 2) {
            /* A flipped frame may only be accepted if the flips cancelled out (identical bytes). */
            int same = memcmp(bad, wire, wn) == 0;
            push(bad, n, same ? type : 0, seq, payload, plen);
        } else if (kind != 4) {
            push(bad, n, 0, 0, NULL, 0);
        }
        if (kind == 0 && n > 0 && bad[n - 1] != 0) {
            /* Garbage without a trailing delimiter merges with the next frame: that frame is lost by design.
             * A delimiter (as senders emit when they open the port) resynchronises. */
            static const uint8_t zero = 0;
            push(&zero, 1, 0, 0, NULL, 0);
        }
        int got = push(wire, wn, type, seq, payload, plen);
        CHECK_MSG(got == 1, "iteration %ld kind %d: good frame after bad input not accepted", it, kind);
        if (g_failures > 20) {
            break;
        }
    }
    printf("frames: %ld good accepted; corrupt injected: random %ld, truncated %ld, bit-flipped %ld, oversize %ld\n",
           accepted_total, kinds[0], kinds[1], kinds[2], kinds[3]);
    printf("parser stats: ok %u crc %u cobs %u short %u oversize %u version %u resyncs %u\n",
           (unsigned)parser.stats.frames_ok, (unsigned)parser.stats.crc_errors, (unsigned)parser.stats.cobs_errors,
           (unsigned)parser.stats.short_frames, (unsigned)parser.stats.oversize,
           (unsigned)parser.stats.version_errors, (unsigned)parser.stats.resyncs);
    CHECK(accepted_total >= ITERATIONS);
    CHECK(parser.stats.oversize >= (uint32_t)kinds[3]);
    CHECK(parser.stats.resyncs > 0);
    return check_report("test_fuzz");
}
