/* IFM firmware-bridge protocol, version 1: constants and little-endian field helpers (see PROTOCOL.md). */
#ifndef IFM_PROTO_H
#define IFM_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IFM_PROTO_VERSION 1u

#define IFM_HEADER_SIZE 6u   /* version, type, seq u16, ack u16 */
#define IFM_CRC_SIZE 4u
#define IFM_MAX_PAYLOAD 192u
#define IFM_MIN_FRAME (IFM_HEADER_SIZE + IFM_CRC_SIZE)
#define IFM_MAX_FRAME (IFM_HEADER_SIZE + IFM_MAX_PAYLOAD + IFM_CRC_SIZE)
/* COBS of the largest frame (203) plus the 0x00 delimiter. */
#define IFM_MAX_WIRE (IFM_MAX_FRAME + IFM_MAX_FRAME / 254u + 1u + 1u)

#define IFM_MAX_SENSORS 8u
#define IFM_MAX_ACTUATORS 8u

typedef enum {
    IFM_MSG_HELLO = 0x01,
    IFM_MSG_SENSOR = 0x02,
    IFM_MSG_ACTUATE = 0x03,
    IFM_MSG_HEARTBEAT = 0x04,
    IFM_MSG_CONFIG = 0x05,
    IFM_MSG_ACK = 0x06,
    IFM_MSG_NAK = 0x07,
    IFM_MSG_RESET = 0x08
} ifm_msg_type_t;

typedef enum {
    IFM_CFG_SENSOR_PERIOD_US = 0x01,    /* u32; 0 stops the stream */
    IFM_CFG_HEARTBEAT_TIMEOUT_MS = 0x02, /* u32; 20..60000 */
    IFM_CFG_SAFE_VALUE = 0x03            /* channel u8, value f32 */
} ifm_config_key_t;

typedef enum {
    IFM_NAK_UNKNOWN_TYPE = 1,
    IFM_NAK_BAD_LENGTH = 2,
    IFM_NAK_BAD_CHANNEL = 3,
    IFM_NAK_BAD_VALUE = 4,
    IFM_NAK_BAD_KEY = 5
} ifm_nak_reason_t;

typedef enum {
    IFM_KIND_ANALOG = 0,
    IFM_KIND_DIGITAL = 1,
    IFM_KIND_POSITION = 2,
    IFM_KIND_VELOCITY = 3,
    IFM_KIND_COUNTER = 4,
    IFM_KIND_DUTY = 5
} ifm_channel_kind_t;

#define IFM_HB_FLAG_SAFE 0x01u /* MCU heartbeat: actuators are at their safe values */

/* Sequence numbers run 1..65535 and skip 0, which means "none" in the ack field. */
static inline uint16_t ifm_seq_next(uint16_t seq) { return (uint16_t)(seq == 0xFFFFu ? 1u : seq + 1u); }

static inline void ifm_put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void ifm_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline uint16_t ifm_get_u16(const uint8_t *p) { return (uint16_t)(p[0] | ((uint16_t)p[1] << 8)); }
static inline uint32_t ifm_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
/* IEEE 754 binary32, little-endian on the wire (memcpy keeps it free of aliasing and alignment issues). */
static inline void ifm_put_f32(uint8_t *p, float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    ifm_put_u32(p, u);
}
static inline float ifm_get_f32(const uint8_t *p)
{
    uint32_t u = ifm_get_u32(p);
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

#ifdef __cplusplus
}
#endif
#endif
