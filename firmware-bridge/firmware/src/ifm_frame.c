#include "ifm_frame.h"

#include "ifm_cobs.h"
#include "ifm_crc32.h"

size_t ifm_frame_encode(uint8_t type, uint16_t seq, uint16_t ack, const uint8_t *payload, size_t payload_len,
                        uint8_t *out)
{
    uint8_t buf[IFM_MAX_FRAME];
    if (payload_len > IFM_MAX_PAYLOAD) {
        return 0;
    }
    buf[0] = (uint8_t)IFM_PROTO_VERSION;
    buf[1] = type;
    ifm_put_u16(&buf[2], seq);
    ifm_put_u16(&buf[4], ack);
    if (payload_len > 0) {
        memcpy(&buf[IFM_HEADER_SIZE], payload, payload_len);
    }
    size_t n = IFM_HEADER_SIZE + payload_len;
    ifm_put_u32(&buf[n], ifm_crc32(buf, n));
    n += IFM_CRC_SIZE;
    size_t enc = ifm_cobs_encode(buf, n, out, IFM_MAX_WIRE - 1u);
    if (enc == 0) {
        return 0;
    }
    out[enc] = 0;
    return enc + 1u;
}

void ifm_parser_init(ifm_parser_t *p)
{
    memset(p, 0, sizeof *p);
}

static ifm_parse_result_t reject(ifm_parser_t *p, ifm_parse_result_t r)
{
    p->dirty = 1;
    return r;
}

ifm_parse_result_t ifm_parser_push(ifm_parser_t *p, uint8_t byte, ifm_frame_t *frame)
{
    if (byte != 0) {
        if (p->overflow) {
            return IFM_PARSE_NONE;
        }
        if (p->raw_len >= sizeof p->raw) {
            p->overflow = 1;
            p->stats.oversize++;
            return reject(p, IFM_PARSE_ERR_OVERSIZE);
        }
        p->raw[p->raw_len++] = byte;
        return IFM_PARSE_NONE;
    }

    /* Delimiter: whatever was collected is one candidate frame. */
    uint16_t n = p->raw_len;
    p->raw_len = 0;
    if (p->overflow) {
        p->overflow = 0;
        return IFM_PARSE_NONE; /* already counted */
    }
    if (n == 0) {
        return IFM_PARSE_EMPTY;
    }
    long dec = ifm_cobs_decode(p->raw, n, p->frame, sizeof p->frame);
    if (dec < 0) {
        p->stats.cobs_errors++;
        return reject(p, IFM_PARSE_ERR_COBS);
    }
    if ((size_t)dec < IFM_MIN_FRAME) {
        p->stats.short_frames++;
        return reject(p, IFM_PARSE_ERR_SHORT);
    }
    size_t body = (size_t)dec - IFM_CRC_SIZE;
    if (ifm_crc32(p->frame, body) != ifm_get_u32(&p->frame[body])) {
        p->stats.crc_errors++;
        return reject(p, IFM_PARSE_ERR_CRC);
    }
    if (p->frame[0] != IFM_PROTO_VERSION) {
        p->stats.version_errors++;
        return reject(p, IFM_PARSE_ERR_VERSION);
    }
    frame->version = p->frame[0];
    frame->type = p->frame[1];
    frame->seq = ifm_get_u16(&p->frame[2]);
    frame->ack = ifm_get_u16(&p->frame[4]);
    frame->payload = &p->frame[IFM_HEADER_SIZE];
    frame->payload_len = (uint16_t)(body - IFM_HEADER_SIZE);
    p->stats.frames_ok++;
    if (p->dirty) {
        p->dirty = 0;
        p->stats.resyncs++;
    }
    return IFM_PARSE_FRAME;
}
