#include "ifm_cobs.h"

size_t ifm_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap)
{
    if (dst_cap < IFM_COBS_MAX_ENCODED(len)) {
        return 0;
    }
    size_t out = 1;
    size_t code_at = 0;
    uint8_t code = 1;
    for (size_t i = 0; i < len; i++) {
        if (src[i] == 0) {
            dst[code_at] = code;
            code_at = out++;
            code = 1;
        } else {
            dst[out++] = src[i];
            code++;
            if (code == 0xFF) {
                dst[code_at] = code;
                code_at = out++;
                code = 1;
            }
        }
    }
    dst[code_at] = code;
    return out;
}

long ifm_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap)
{
    size_t in = 0;
    size_t out = 0;
    while (in < len) {
        uint8_t code = src[in++];
        if (code == 0) {
            return -1;
        }
        size_t run = (size_t)code - 1u;
        if (run > len - in || run > dst_cap - out) {
            return -1;
        }
        for (size_t k = 0; k < run; k++) {
            uint8_t b = src[in++];
            if (b == 0) {
                return -1;
            }
            dst[out++] = b;
        }
        /* A block shorter than 254 data bytes implies a zero, except after the last block. */
        if (code != 0xFF && in < len) {
            if (out >= dst_cap) {
                return -1;
            }
            dst[out++] = 0;
        }
    }
    return (long)out;
}
