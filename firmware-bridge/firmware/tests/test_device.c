/* The device core against a scripted host, with a fake clock: HELLO, ACTUATE/ACK, CONFIG, NAK, RESET,
 * the sensor stream, and the heartbeat watchdog putting actuators in their safe values by itself. */
#include <string.h>

#include "check.h"
#include "ifm_device.h"
#include "script_source.h"

typedef struct {
    uint32_t now;
    uint32_t drift_per_call; /* > 0: the clock also moves while the device runs, as a real one does */
    uint8_t rx[4096];
    size_t rx_len, rx_pos;
    ifm_parser_t tx_parser; /* parses what the device sends */
    int frames_by_type[16];
    uint16_t last_ack[16];
    uint8_t last_payload[16][IFM_MAX_PAYLOAD];
    uint16_t last_len[16];
    float act[IFM_MAX_ACTUATORS];
    int act_writes;
    int safe_events;
} fake_t;

static size_t f_read(void *ctx, uint8_t *buf, size_t cap)
{
    fake_t *f = ctx;
    return script_take(f->rx, f->rx_len, &f->rx_pos, buf, cap, SIZE_MAX);
}

static void f_write(void *ctx, const uint8_t *data, size_t len)
{
    fake_t *f = ctx;
    for (size_t i = 0; i < len; i++) {
        ifm_frame_t fr;
        if (ifm_parser_push(&f->tx_parser, data[i], &fr) == IFM_PARSE_FRAME && fr.type < 16) {
            f->frames_by_type[fr.type]++;
            f->last_ack[fr.type] = fr.ack;
            memcpy(f->last_payload[fr.type], fr.payload, fr.payload_len);
            f->last_len[fr.type] = fr.payload_len;
        }
    }
}

static uint32_t f_micros(void *ctx)
{
    fake_t *f = ctx;
    f->now += f->drift_per_call;
    return f->now;
}
static float f_sensor(void *ctx, uint8_t ch) { (void)ctx; return 0.5f + ch; }
static void f_act(void *ctx, uint8_t ch, float v)
{
    fake_t *f = ctx;
    f->act[ch] = v;
    f->act_writes++;
}
static void f_event(void *ctx, ifm_event_t ev, uint32_t arg)
{
    (void)arg;
    if (ev == IFM_EVENT_SAFE_ENTERED) ((fake_t *)ctx)->safe_events++;
}

static fake_t fk;
static ifm_device_t dev;
static uint16_t host_seq = 1;

static uint16_t host_send(uint8_t type, const uint8_t *payload, size_t len)
{
    uint16_t seq = host_seq;
    host_seq = ifm_seq_next(host_seq);
    fk.rx_len = ifm_frame_encode(type, seq, 0, payload, len, fk.rx);
    fk.rx_pos = 0;
    ifm_device_poll(&dev);
    return seq;
}

static void advance(uint32_t us, uint32_t step)
{
    for (uint32_t t = 0; t < us; t += step) {
        fk.now += step;
        ifm_device_poll(&dev);
    }
}

int main(void)
{
    ifm_hal_t hal = {&fk, f_read, f_write, f_micros, f_sensor, f_act, f_event};
    ifm_device_info_t info;
    memset(&info, 0, sizeof info);
    info.fw_major = 1;
    info.boot_id = 0xABCD0001u;
    info.sensor_count = 3;
    for (int i = 0; i < 3; i++) info.sensors[i] = (ifm_sensor_desc_t){IFM_KIND_ANALOG, 0.0f, 10.0f};
    info.actuator_count = 2;
    info.actuators[0] = (ifm_actuator_desc_t){IFM_KIND_VELOCITY, -1.0f, 1.0f, 0.0f};
    info.actuators[1] = (ifm_actuator_desc_t){IFM_KIND_DUTY, 0.0f, 1.0f, 0.25f};
    ifm_parser_init(&fk.tx_parser);
    fk.now = 0xFFFF0000u; /* the clock wraps during the test */

    ifm_device_init(&dev, &hal, &info);
    CHECK(fk.frames_by_type[IFM_MSG_HELLO] == 1); /* announces itself at boot */
    CHECK(fk.act[0] == 0.0f && fk.act[1] == 0.25f && dev.safe_active);
    CHECK(fk.last_len[IFM_MSG_HELLO] == 9 + 3 * 9 + 2 * 13);
    CHECK(ifm_get_u32(&fk.last_payload[IFM_MSG_HELLO][3]) == 0xABCD0001u);

    /* Silent until the host speaks. */
    advance(50000, 1000);
    CHECK(fk.frames_by_type[IFM_MSG_SENSOR] == 0);

    host_send(IFM_MSG_HELLO, NULL, 0);
    CHECK(fk.frames_by_type[IFM_MSG_HELLO] == 2);
    CHECK(fk.frames_by_type[IFM_MSG_SENSOR] == 1); /* stream starts at once */

    /* ACTUATE: applied, clamped, acknowledged with the command's seq. */
    uint8_t act[11] = {2, 0};
    ifm_put_f32(&act[2], 0.5f);
    act[6] = 1;
    ifm_put_f32(&act[7], 7.0f);
    uint16_t s = host_send(IFM_MSG_ACTUATE, act, sizeof act);
    CHECK(fk.act[0] == 0.5f && fk.act[1] == 1.0f && !dev.safe_active);
    CHECK(fk.frames_by_type[IFM_MSG_ACK] == 1 && fk.last_ack[IFM_MSG_ACK] == s);

    /* Bad channel: NAK, nothing applied. */
    act[6] = 5;
    s = host_send(IFM_MSG_ACTUATE, act, sizeof act);
    CHECK(fk.frames_by_type[IFM_MSG_NAK] == 1 && fk.last_ack[IFM_MSG_NAK] == s);
    CHECK(fk.last_payload[IFM_MSG_NAK][0] == IFM_NAK_BAD_CHANNEL);
    CHECK(fk.act[1] == 1.0f);

    /* CONFIG: sensor period 2 ms, heartbeat timeout 100 ms, safe value of channel 0 = -0.5. */
    uint8_t cfg[6] = {IFM_CFG_SENSOR_PERIOD_US};
    ifm_put_u32(&cfg[1], 2000);
    host_send(IFM_MSG_CONFIG, cfg, 5);
    cfg[0] = IFM_CFG_HEARTBEAT_TIMEOUT_MS;
    ifm_put_u32(&cfg[1], 100);
    host_send(IFM_MSG_CONFIG, cfg, 5);
    cfg[0] = IFM_CFG_SAFE_VALUE;
    cfg[1] = 0;
    ifm_put_f32(&cfg[2], -0.5f);
    host_send(IFM_MSG_CONFIG, cfg, 6);
    CHECK(fk.frames_by_type[IFM_MSG_ACK] == 4);
    cfg[0] = 0x7F;
    host_send(IFM_MSG_CONFIG, cfg, 6);
    CHECK(fk.frames_by_type[IFM_MSG_NAK] == 2 && fk.last_payload[IFM_MSG_NAK][0] == IFM_NAK_BAD_KEY);

    /* Sensor stream at 2 ms while heartbeats arrive every 20 ms. */
    int sensors_before = fk.frames_by_type[IFM_MSG_SENSOR];
    for (int i = 0; i < 10; i++) {
        advance(20000, 500);
        uint8_t hb[5] = {0};
        s = host_send(IFM_MSG_HEARTBEAT, hb, 5);
        CHECK(fk.last_ack[IFM_MSG_HEARTBEAT] == s); /* heartbeat echo carries the host's seq */
    }
    int streamed = fk.frames_by_type[IFM_MSG_SENSOR] - sensors_before;

    /* With a clock that moves during poll, a streaming device sends no idle heartbeats: only the 10 echoes. */
    int hb_before = fk.frames_by_type[IFM_MSG_HEARTBEAT];
    fk.drift_per_call = 1;
    for (int i = 0; i < 10; i++) {
        advance(20000, 500);
        uint8_t hb0[5] = {0};
        host_send(IFM_MSG_HEARTBEAT, hb0, 5);
    }
    fk.drift_per_call = 0;
    CHECK_MSG(fk.frames_by_type[IFM_MSG_HEARTBEAT] - hb_before == 10, "%d heartbeats for 10 host heartbeats",
              fk.frames_by_type[IFM_MSG_HEARTBEAT] - hb_before);
    CHECK_MSG(streamed >= 98 && streamed <= 101, "streamed %d", streamed);
    CHECK(fk.last_len[IFM_MSG_SENSOR] == 6 + 3 * 4);
    CHECK(ifm_get_f32(&fk.last_payload[IFM_MSG_SENSOR][6 + 8]) == 2.5f);
    CHECK(!dev.safe_active && fk.safe_events == 1);

    /* Host goes silent: safe values exactly when 100 ms have passed, not before. */
    uint32_t silent_from = dev.last_host_rx_us;
    advance(99000, 1000);
    CHECK_MSG(!dev.safe_active, "safe after %u us", (unsigned)(fk.now - silent_from));
    advance(1000, 1000);
    CHECK(dev.safe_active && fk.safe_events == 2 && dev.stats.heartbeat_timeouts == 1);
    CHECK(fk.act[0] == -0.5f && fk.act[1] == 0.25f);
    /* ... and it stops streaming into the void. */
    int after_timeout = fk.frames_by_type[IFM_MSG_SENSOR];
    advance(50000, 1000);
    CHECK(fk.frames_by_type[IFM_MSG_SENSOR] == after_timeout);

    /* Host restarts (sequence back to 1): heartbeat brings the stream back; ACTUATE leaves safe state. */
    host_seq = 1;
    uint8_t hb[5] = {0};
    host_send(IFM_MSG_HEARTBEAT, hb, 5);
    advance(4000, 1000);
    CHECK(fk.frames_by_type[IFM_MSG_SENSOR] > after_timeout);
    CHECK(dev.safe_active);
    act[6] = 1;
    host_send(IFM_MSG_ACTUATE, act, sizeof act);
    CHECK(!dev.safe_active && fk.act[0] == 0.5f);

    /* Lost host frames are counted from the gap in sequence numbers. */
    uint32_t gaps = dev.stats.host_gaps;
    host_seq = ifm_seq_next(ifm_seq_next(ifm_seq_next(host_seq)));
    host_send(IFM_MSG_HEARTBEAT, hb, 5);
    CHECK(dev.stats.host_gaps == gaps + 3);

    /* RESET: ACK, defaults back (timeout 250 ms, safe value 0), safe state, HELLO. */
    int hellos = fk.frames_by_type[IFM_MSG_HELLO];
    host_send(IFM_MSG_RESET, NULL, 0);
    CHECK(fk.frames_by_type[IFM_MSG_HELLO] == hellos + 1);
    CHECK(dev.safe_active && fk.act[0] == 0.0f && dev.heartbeat_timeout_us == 250000u);

    /* Garbage from the host is ignored, the next good frame is handled. */
    memset(fk.rx, 0xA5, 300);
    fk.rx[300] = 0;
    fk.rx_len = 301;
    fk.rx_pos = 0;
    ifm_device_poll(&dev);
    int hbs = fk.frames_by_type[IFM_MSG_HEARTBEAT];
    host_send(IFM_MSG_HEARTBEAT, hb, 5);
    CHECK(fk.frames_by_type[IFM_MSG_HEARTBEAT] == hbs + 1);
    CHECK(dev.parser.stats.oversize == 1 && dev.parser.stats.resyncs >= 1);

    return check_report("test_device");
}
