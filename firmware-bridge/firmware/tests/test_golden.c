/* Checks the C framing against golden-vectors.txt (generated independently with zlib and a reference COBS). */
#include <string.h>

#include "check.h"
#include "ifm_cobs.h"
#include "ifm_crc32.h"
#include "ifm_frame.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (s[0] && s[1] && n < cap) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1) {
            break;
        }
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_golden <golden-vectors.txt>\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    /* Standard CRC-32 check value. */
    CHECK(ifm_crc32((const uint8_t *)"123456789", 9) == 0xCBF43926u);

    char line[2048];
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        char name[64], dec_hex[900], wire_hex[900];
        if (sscanf(line, "%63s %899s %899s", name, dec_hex, wire_hex) != 3) {
            CHECK_MSG(0, "bad line: %s", line);
            continue;
        }
        uint8_t dec[512], wire[512], buf[512];
        size_t dn = unhex(dec_hex, dec, sizeof dec);
        size_t wn = unhex(wire_hex, wire, sizeof wire);

        /* Encoder: header fields + payload reproduce the wire bytes exactly. */
        uint16_t seq = ifm_get_u16(&dec[2]), ack = ifm_get_u16(&dec[4]);
        size_t n = ifm_frame_encode(dec[1], seq, ack, &dec[IFM_HEADER_SIZE], dn - IFM_MIN_FRAME, buf);
        CHECK_MSG(n == wn && memcmp(buf, wire, wn) == 0, "%s: encoder output differs", name);

        /* COBS alone. */
        long d = ifm_cobs_decode(wire, wn - 1, buf, sizeof buf);
        CHECK_MSG(d == (long)dn && memcmp(buf, dec, dn) == 0, "%s: COBS decode differs", name);

        /* Parser: exactly one frame, at the delimiter, with the right fields. */
        ifm_parser_t p;
        ifm_parser_init(&p);
        int frames = 0;
        for (size_t i = 0; i < wn; i++) {
            ifm_frame_t fr;
            ifm_parse_result_t r = ifm_parser_push(&p, wire[i], &fr);
            if (r == IFM_PARSE_FRAME) {
                frames++;
                CHECK_MSG(i == wn - 1, "%s: frame before delimiter", name);
                CHECK(fr.type == dec[1] && fr.seq == seq && fr.ack == ack);
                CHECK(fr.payload_len == dn - IFM_MIN_FRAME);
                CHECK(memcmp(fr.payload, &dec[IFM_HEADER_SIZE], fr.payload_len) == 0);
            } else {
                CHECK_MSG(r == IFM_PARSE_NONE, "%s: unexpected result %d", name, (int)r);
            }
        }
        CHECK_MSG(frames == 1, "%s: %d frames", name, frames);
        count++;
    }
    fclose(f);
    CHECK_MSG(count >= 10, "only %d vectors", count);
    printf("%d golden vectors\n", count);
    return check_report("test_golden");
}
