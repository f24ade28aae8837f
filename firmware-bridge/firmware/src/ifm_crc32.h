/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as System.IO.Hashing.Crc32 and zlib compute it. */
#ifndef IFM_CRC32_H
#define IFM_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Continues a CRC: start with crc = 0. Uses a 16-entry table (64 bytes) to stay small on 8-bit MCUs. */
uint32_t ifm_crc32_update(uint32_t crc, const uint8_t *data, size_t len);

static inline uint32_t ifm_crc32(const uint8_t *data, size_t len) { return ifm_crc32_update(0u, data, len); }

#ifdef __cplusplus
}
#endif
#endif
