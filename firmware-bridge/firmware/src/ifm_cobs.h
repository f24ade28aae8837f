/* Consistent Overhead Byte Stuffing: removes every 0x00 so that 0x00 can delimit frames. */
#ifndef IFM_COBS_H
#define IFM_COBS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Worst-case encoded size of len bytes (without the delimiter). */
#define IFM_COBS_MAX_ENCODED(len) ((len) + ((len) / 254u) + 1u)

/* Encodes src into dst (no delimiter appended). Returns the encoded length, or 0 if dst_cap is too small. */
size_t ifm_cobs_encode(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap);

/* Decodes src (without delimiter) into dst. Returns the decoded length, or -1 on malformed input
 * (a zero byte, a block running past the end) or when dst_cap is too small. */
long ifm_cobs_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t dst_cap);

#ifdef __cplusplus
}
#endif
#endif
