#include "ifm_device.h"

static void emit(ifm_device_t *dev, ifm_event_t ev, uint32_t arg)
{
    if (dev->hal.on_event != NULL) {
        dev->hal.on_event(dev->hal.ctx, ev, arg);
    }
}

static void send_frame(ifm_device_t *dev, uint8_t type, uint16_t ack, const uint8_t *payload, size_t len)
{
    size_t n = ifm_frame_encode(type, dev->tx_seq, ack, payload, len, dev->tx);
    dev->tx_seq = ifm_seq_next(dev->tx_seq);
    if (n > 0) {
        dev->hal.write(dev->hal.ctx, dev->tx, n);
        dev->stats.frames_sent++;
        dev->last_tx_us = dev->hal.micros(dev->hal.ctx);
    }
}

static void send_hello(ifm_device_t *dev)
{
    uint8_t p[IFM_MAX_PAYLOAD];
    const ifm_device_info_t *in = &dev->info;
    size_t n = 0;
    p[n++] = in->fw_major;
    p[n++] = in->fw_minor;
    p[n++] = in->fw_patch;
    ifm_put_u32(&p[n], in->boot_id);
    n += 4;
    p[n++] = in->sensor_count;
    p[n++] = in->actuator_count;
    for (uint8_t i = 0; i < in->sensor_count; i++) {
        p[n++] = in->sensors[i].kind;
        ifm_put_f32(&p[n], in->sensors[i].min);
        ifm_put_f32(&p[n + 4], in->sensors[i].max);
        n += 8;
    }
    for (uint8_t i = 0; i < in->actuator_count; i++) {
        p[n++] = in->actuators[i].kind;
        ifm_put_f32(&p[n], in->actuators[i].min);
        ifm_put_f32(&p[n + 4], in->actuators[i].max);
        ifm_put_f32(&p[n + 8], dev->safe_values[i]);
        n += 12;
    }
    send_frame(dev, IFM_MSG_HELLO, 0, p, n);
}

static void send_heartbeat(ifm_device_t *dev, uint16_t ack)
{
    uint8_t p[5];
    ifm_put_u32(p, dev->hal.micros(dev->hal.ctx));
    p[4] = dev->safe_active ? (uint8_t)IFM_HB_FLAG_SAFE : 0u;
    send_frame(dev, IFM_MSG_HEARTBEAT, ack, p, sizeof p);
}

static void send_nak(ifm_device_t *dev, uint16_t seq, uint8_t reason)
{
    dev->stats.naks_sent++;
    send_frame(dev, IFM_MSG_NAK, seq, &reason, 1);
}

static void send_sensors(ifm_device_t *dev, uint32_t now)
{
    uint8_t p[6 + 4 * IFM_MAX_SENSORS];
    uint8_t count = dev->info.sensor_count;
    ifm_put_u32(p, now);
    p[4] = 0;
    p[5] = count;
    for (uint8_t i = 0; i < count; i++) {
        ifm_put_f32(&p[6 + 4u * i], dev->hal.read_sensor(dev->hal.ctx, i));
    }
    send_frame(dev, IFM_MSG_SENSOR, 0, p, 6u + 4u * count);
}

static int is_finite(float v)
{
    return v == v && v <= 3.402823466e38f && v >= -3.402823466e38f;
}

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

void ifm_device_enter_safe(ifm_device_t *dev, uint32_t reason)
{
    for (uint8_t i = 0; i < dev->info.actuator_count; i++) {
        dev->actuator_values[i] = dev->safe_values[i];
        dev->hal.write_actuator(dev->hal.ctx, i, dev->safe_values[i]);
    }
    if (!dev->safe_active) {
        dev->safe_active = 1;
        emit(dev, IFM_EVENT_SAFE_ENTERED, reason);
    }
}

static void reset_state(ifm_device_t *dev)
{
    for (uint8_t i = 0; i < IFM_MAX_ACTUATORS; i++) {
        dev->safe_values[i] = i < dev->info.actuator_count ? dev->info.actuators[i].safe : 0.0f;
    }
    dev->sensor_period_us = IFM_DEFAULT_SENSOR_PERIOD_US;
    dev->heartbeat_timeout_us = (uint32_t)IFM_DEFAULT_HEARTBEAT_TIMEOUT_MS * 1000u; /* 32-bit: int may be 16-bit (AVR) */
    dev->host_alive = 0;
    dev->host_seq_valid = 0;
    dev->safe_active = 0;
}

static void handle_actuate(ifm_device_t *dev, const ifm_frame_t *f)
{
    const uint8_t *p = f->payload;
    if (f->payload_len < 1 || p[0] == 0 || p[0] > IFM_MAX_ACTUATORS || f->payload_len != 1u + 5u * p[0]) {
        send_nak(dev, f->seq, IFM_NAK_BAD_LENGTH);
        return;
    }
    uint8_t count = p[0];
    /* Validate everything first: a command is applied whole or not at all. */
    for (uint8_t i = 0; i < count; i++) {
        uint8_t ch = p[1 + 5u * i];
        if (ch >= dev->info.actuator_count) {
            send_nak(dev, f->seq, IFM_NAK_BAD_CHANNEL);
            return;
        }
        if (!is_finite(ifm_get_f32(&p[2 + 5u * i]))) {
            send_nak(dev, f->seq, IFM_NAK_BAD_VALUE);
            return;
        }
    }
    for (uint8_t i = 0; i < count; i++) {
        uint8_t ch = p[1 + 5u * i];
        const ifm_actuator_desc_t *d = &dev->info.actuators[ch];
        float v = clampf(ifm_get_f32(&p[2 + 5u * i]), d->min, d->max);
        dev->actuator_values[ch] = v;
        dev->hal.write_actuator(dev->hal.ctx, ch, v);
    }
    dev->stats.actuate_applied++;
    if (dev->safe_active) {
        dev->safe_active = 0;
        emit(dev, IFM_EVENT_SAFE_LEFT, 0);
    }
    emit(dev, IFM_EVENT_ACTUATED, f->seq);
    send_frame(dev, IFM_MSG_ACK, f->seq, NULL, 0);
}

static void handle_config(ifm_device_t *dev, const ifm_frame_t *f)
{
    const uint8_t *p = f->payload;
    if (f->payload_len < 1) {
        send_nak(dev, f->seq, IFM_NAK_BAD_LENGTH);
        return;
    }
    switch (p[0]) {
    case IFM_CFG_SENSOR_PERIOD_US:
        if (f->payload_len != 5) {
            send_nak(dev, f->seq, IFM_NAK_BAD_LENGTH);
            return;
        }
        dev->sensor_period_us = ifm_get_u32(&p[1]);
        break;
    case IFM_CFG_HEARTBEAT_TIMEOUT_MS: {
        if (f->payload_len != 5) {
            send_nak(dev, f->seq, IFM_NAK_BAD_LENGTH);
            return;
        }
        uint32_t ms = ifm_get_u32(&p[1]);
        if (ms < 20u || ms > 60000u) {
            send_nak(dev, f->seq, IFM_NAK_BAD_VALUE);
            return;
        }
        dev->heartbeat_timeout_us = ms * 1000u;
        break;
    }
    case IFM_CFG_SAFE_VALUE: {
        if (f->payload_len != 6) {
            send_nak(dev, f->seq, IFM_NAK_BAD_LENGTH);
            return;
        }
        uint8_t ch = p[1];
        float v = ifm_get_f32(&p[2]);
        if (ch >= dev->info.actuator_count) {
            send_nak(dev, f->seq, IFM_NAK_BAD_CHANNEL);
            return;
        }
        const ifm_actuator_desc_t *d = &dev->info.actuators[ch];
        if (!is_finite(v) || v < d->min || v > d->max) {
            send_nak(dev, f->seq, IFM_NAK_BAD_VALUE);
            return;
        }
        dev->safe_values[ch] = v;
        if (dev->safe_active) {
            dev->actuator_values[ch] = v;
            dev->hal.write_actuator(dev->hal.ctx, ch, v);
        }
        break;
    }
    default:
        send_nak(dev, f->seq, IFM_NAK_BAD_KEY);
        return;
    }
    emit(dev, IFM_EVENT_CONFIG, p[0]);
    send_frame(dev, IFM_MSG_ACK, f->seq, NULL, 0);
}

static void track_host_seq(ifm_device_t *dev, uint16_t seq)
{
    if (dev->host_seq_valid) {
        uint16_t expected = ifm_seq_next(dev->host_seq);
        uint16_t d = (uint16_t)(seq - expected);
        if (seq < expected && d > 0) {
            d--; /* the counter skipped 0 when it wrapped */
        }
        /* A jump forward of less than half the space is a loss; anything else is a retransmission or a
         * restarted host and starts a new baseline. */
        if (seq != expected && d < 0x8000u && seq != dev->host_seq) {
            dev->stats.host_gaps += d;
        }
    }
    dev->host_seq = seq;
    dev->host_seq_valid = 1;
}

static void handle_frame(ifm_device_t *dev, const ifm_frame_t *f, uint32_t now)
{
    dev->last_host_rx_us = now;
    if (!dev->host_alive) {
        dev->host_alive = 1;
        dev->last_sensor_tx_us = now - dev->sensor_period_us; /* stream starts right away */
        emit(dev, IFM_EVENT_HOST_UP, 0);
    }
    track_host_seq(dev, f->seq);
    switch (f->type) {
    case IFM_MSG_HELLO:
        send_hello(dev);
        break;
    case IFM_MSG_HEARTBEAT:
        send_heartbeat(dev, f->seq);
        break;
    case IFM_MSG_ACTUATE:
        handle_actuate(dev, f);
        break;
    case IFM_MSG_CONFIG:
        handle_config(dev, f);
        break;
    case IFM_MSG_RESET:
        send_frame(dev, IFM_MSG_ACK, f->seq, NULL, 0);
        emit(dev, IFM_EVENT_RESET, 0);
        reset_state(dev);
        ifm_device_enter_safe(dev, IFM_SAFE_REASON_RESET);
        dev->last_host_rx_us = now;
        dev->host_alive = 1; /* the host that asked is there: answer it with HELLO */
        send_hello(dev);
        break;
    case IFM_MSG_ACK:
    case IFM_MSG_NAK:
        break; /* the MCU sends nothing that needs acknowledging */
    default:
        send_nak(dev, f->seq, IFM_NAK_UNKNOWN_TYPE);
        break;
    }
}

void ifm_device_init(ifm_device_t *dev, const ifm_hal_t *hal, const ifm_device_info_t *info)
{
    memset(dev, 0, sizeof *dev);
    dev->hal = *hal;
    dev->info = *info;
    if (dev->info.sensor_count > IFM_MAX_SENSORS) {
        dev->info.sensor_count = IFM_MAX_SENSORS;
    }
    if (dev->info.actuator_count > IFM_MAX_ACTUATORS) {
        dev->info.actuator_count = IFM_MAX_ACTUATORS;
    }
    ifm_parser_init(&dev->parser);
    dev->tx_seq = 1;
    reset_state(dev);
    ifm_device_enter_safe(dev, IFM_SAFE_REASON_BOOT);
    send_hello(dev);
}

void ifm_device_poll(ifm_device_t *dev)
{
    uint8_t buf[64];
    size_t n;
    while ((n = dev->hal.read(dev->hal.ctx, buf, sizeof buf)) > 0) {
        for (size_t i = 0; i < n; i++) {
            ifm_frame_t f;
            if (ifm_parser_push(&dev->parser, buf[i], &f) == IFM_PARSE_FRAME) {
                handle_frame(dev, &f, dev->hal.micros(dev->hal.ctx));
            }
        }
        if (n < sizeof buf) {
            break;
        }
    }

    uint32_t now = dev->hal.micros(dev->hal.ctx);
    if (dev->host_alive && (uint32_t)(now - dev->last_host_rx_us) >= dev->heartbeat_timeout_us) {
        dev->host_alive = 0;
        dev->host_seq_valid = 0;
        dev->stats.heartbeat_timeouts++;
        ifm_device_enter_safe(dev, IFM_SAFE_REASON_HEARTBEAT);
    }
    if (!dev->host_alive) {
        return; /* nobody listens: stay quiet until the host speaks (HELLO, HEARTBEAT, ...) */
    }
    if (dev->sensor_period_us != 0 && (uint32_t)(now - dev->last_sensor_tx_us) >= dev->sensor_period_us) {
        /* Keep the phase; after a long stall, restart from now instead of bursting. */
        dev->last_sensor_tx_us += dev->sensor_period_us;
        if ((uint32_t)(now - dev->last_sensor_tx_us) >= dev->sensor_period_us) {
            dev->last_sensor_tx_us = now;
        }
        send_sensors(dev, now);
    }
    /* Fresh clock: frames sent above moved last_tx_us past `now`. */
    if ((uint32_t)(dev->hal.micros(dev->hal.ctx) - dev->last_tx_us) >= IFM_IDLE_HEARTBEAT_US) {
        send_heartbeat(dev, 0);
    }
}
