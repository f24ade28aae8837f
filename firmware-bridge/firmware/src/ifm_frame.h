/* Frame encoding and the streaming, bounded frame parser. */
#ifndef IFM_FRAME_H
#define IFM_FRAME_H

#include "ifm_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint8_t version;
    uint8_t type;
    uint16_t seq;
    uint16_t ack;
    const uint8_t *payload; /* points into the parser's buffer: valid until the next byte is pushed */
    uint16_t payload_len;
} ifm_frame_t;

/* Builds header + payload + CRC-32, COBS-encodes it and appends the 0x00 delimiter.
 * out must hold IFM_MAX_WIRE bytes. Returns the wire length, or 0 if payload_len > IFM_MAX_PAYLOAD. */
size_t ifm_frame_encode(uint8_t type, uint16_t seq, uint16_t ack, const uint8_t *payload, size_t payload_len,
                        uint8_t *out);

typedef enum {
    IFM_PARSE_NONE = 0,      /* byte consumed, no frame boundary yet */
    IFM_PARSE_FRAME,         /* a valid frame is available in *frame */
    IFM_PARSE_EMPTY,         /* delimiter with nothing before it (idle line / resync padding) */
    IFM_PARSE_ERR_OVERSIZE,  /* more than IFM_MAX_WIRE bytes before a delimiter: discarded */
    IFM_PARSE_ERR_COBS,      /* malformed stuffing */
    IFM_PARSE_ERR_SHORT,     /* decoded frame shorter than header + CRC */
    IFM_PARSE_ERR_CRC,       /* CRC mismatch */
    IFM_PARSE_ERR_VERSION    /* CRC fine, unknown protocol version */
} ifm_parse_result_t;

typedef struct {
    uint32_t frames_ok;
    uint32_t crc_errors;
    uint32_t cobs_errors;
    uint32_t short_frames;
    uint32_t oversize;
    uint32_t version_errors;
    uint32_t resyncs; /* good frames accepted right after discarded input */
} ifm_parser_stats_t;

typedef struct {
    uint8_t raw[IFM_MAX_WIRE];
    uint8_t frame[IFM_MAX_FRAME];
    uint16_t raw_len;
    uint8_t overflow;  /* discarding until the next delimiter */
    uint8_t dirty;     /* input was discarded since the last good frame */
    ifm_parser_stats_t stats;
} ifm_parser_t;

void ifm_parser_init(ifm_parser_t *p);

/* Pushes one received byte. On IFM_PARSE_FRAME, *frame describes the frame. Never reads or writes out of
 * bounds, whatever the input. */
ifm_parse_result_t ifm_parser_push(ifm_parser_t *p, uint8_t byte, ifm_frame_t *frame);

#ifdef __cplusplus
}
#endif
#endif
