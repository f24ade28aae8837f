/* The bytes a scripted host sends, handed to the device's HAL read hook: shared by the device tests and the fuzz
 * harness. */
#ifndef IFM_SCRIPT_SOURCE_H
#define IFM_SCRIPT_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Copies the next bytes of data[*pos..len) into buf, at most cap and at most chunk of them (a UART delivers bytes in
 * pieces of varying size), advances *pos and returns how many. */
static inline size_t script_take(const uint8_t *data, size_t len, size_t *pos, uint8_t *buf, size_t cap, size_t chunk)
{
    size_t n = len - *pos;
    if (n > chunk) n = chunk;
    if (n > cap) n = cap;
    memcpy(buf, data + *pos, n);
    *pos += n;
    return n;
}

#endif
