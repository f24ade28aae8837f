/* The MCU side of the link: a device with sensor and actuator channels, driven by ifm_device_poll().
 * No dynamic memory, no platform calls: everything platform-specific goes through ifm_hal_t. */
#ifndef IFM_DEVICE_H
#define IFM_DEVICE_H

#include "ifm_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IFM_DEFAULT_SENSOR_PERIOD_US 10000u  /* 100 Hz */
#define IFM_DEFAULT_HEARTBEAT_TIMEOUT_MS 250u
#define IFM_IDLE_HEARTBEAT_US 100000u        /* MCU heartbeat when it has sent nothing else for this long */

typedef enum {
    IFM_EVENT_HOST_UP = 1,       /* first valid frame from the host after silence; arg = 0 */
    IFM_EVENT_SAFE_ENTERED,      /* arg = why: 1 heartbeat timeout, 2 reset, 3 boot */
    IFM_EVENT_SAFE_LEFT,         /* an ACTUATE arrived; arg = 0 */
    IFM_EVENT_CONFIG,            /* arg = key */
    IFM_EVENT_RESET,             /* a RESET command was executed */
    IFM_EVENT_ACTUATED           /* an ACTUATE was applied (after its values were written); arg = its sequence number,
                                  * the same for a retransmission */
} ifm_event_t;

#define IFM_SAFE_REASON_HEARTBEAT 1u
#define IFM_SAFE_REASON_RESET 2u
#define IFM_SAFE_REASON_BOOT 3u

typedef struct {
    void *ctx;
    /* Reads up to cap received bytes without blocking; returns the count (0 when none). */
    size_t (*read)(void *ctx, uint8_t *buf, size_t cap);
    /* Writes all bytes (may block until the UART accepts them). */
    void (*write)(void *ctx, const uint8_t *data, size_t len);
    /* Free-running microsecond clock; wraps at 2^32. */
    uint32_t (*micros)(void *ctx);
    float (*read_sensor)(void *ctx, uint8_t channel);
    void (*write_actuator)(void *ctx, uint8_t channel, float value);
    /* Optional (may be NULL): diagnostics hook. */
    void (*on_event)(void *ctx, ifm_event_t event, uint32_t arg);
} ifm_hal_t;

typedef struct {
    uint8_t kind;
    float min;
    float max;
} ifm_sensor_desc_t;

typedef struct {
    uint8_t kind;
    float min;
    float max;
    float safe; /* driven on boot, on reset and whenever the host's heartbeat stops */
} ifm_actuator_desc_t;

typedef struct {
    uint8_t fw_major, fw_minor, fw_patch;
    uint32_t boot_id; /* differs on every boot (random or counter): lets the host see an MCU restart */
    uint8_t sensor_count;
    uint8_t actuator_count;
    ifm_sensor_desc_t sensors[IFM_MAX_SENSORS];
    ifm_actuator_desc_t actuators[IFM_MAX_ACTUATORS];
} ifm_device_info_t;

typedef struct {
    uint32_t frames_sent;
    uint32_t host_gaps;          /* host frames lost according to the host's sequence numbers */
    uint32_t naks_sent;
    uint32_t heartbeat_timeouts;
    uint32_t actuate_applied;
} ifm_device_stats_t;

typedef struct {
    ifm_hal_t hal;
    ifm_device_info_t info;
    ifm_parser_t parser;
    uint8_t tx[IFM_MAX_WIRE];
    float actuator_values[IFM_MAX_ACTUATORS];
    float safe_values[IFM_MAX_ACTUATORS];
    uint32_t sensor_period_us;
    uint32_t heartbeat_timeout_us;
    uint32_t last_host_rx_us;
    uint32_t last_sensor_tx_us;
    uint32_t last_tx_us;
    uint16_t tx_seq;
    uint16_t host_seq;
    uint8_t host_alive;    /* host frames seen within the heartbeat timeout */
    uint8_t host_seq_valid;
    uint8_t safe_active;
    ifm_device_stats_t stats;
} ifm_device_t;

/* Initialises the device, drives every actuator to its safe value and announces itself with HELLO. */
void ifm_device_init(ifm_device_t *dev, const ifm_hal_t *hal, const ifm_device_info_t *info);

/* Processes received bytes, commands, the heartbeat watchdog and the sensor stream. Call it often
 * (at least every millisecond or so at high sensor rates); it never blocks except inside hal.write. */
void ifm_device_poll(ifm_device_t *dev);

/* Drives every actuator to its safe value (idempotent). */
void ifm_device_enter_safe(ifm_device_t *dev, uint32_t reason);

#ifdef __cplusplus
}
#endif
#endif
