// IFM firmware bridge on an Arduino-class board (AVR with >= 2.5 KB RAM, SAMD, RP2040, ESP32, STM32duino).
//
// Channels:
//   sensors   0: A0 (0..1, analog)   1: A1 (0..1, analog)   2: pin 2 (0/1, digital)
//   actuators 0: PWM duty on pin 9 (0..1, safe 0)   1: direction on pin 8 (0/1, safe 0)
// The host (ifm / Ifm.FirmwareBridge) streams the sensors at the rate it configures (default 100 Hz) and writes the
// actuators; if its heartbeat stops for the configured timeout (default 250 ms) the library applies the safe values.
//
// Install: copy firmware-bridge/firmware into your Arduino libraries folder as "IfmBridge" (it is an Arduino library:
// library.properties + src/), then open this example. Nothing here resets the board on connect: the host needs no
// "wait 2 s for reset" and reconnects to a running board.
#include <Arduino.h>

#include "ifm_device.h"

static const uint8_t kPwmPin = 9;
static const uint8_t kDirPin = 8;
static const uint8_t kButtonPin = 2;

static ifm_device_t device;

static size_t hal_read(void *ctx, uint8_t *buf, size_t cap)
{
    (void)ctx;
    size_t n = 0;
    while (n < cap && Serial.available() > 0) {
        buf[n++] = (uint8_t)Serial.read();
    }
    return n;
}

static void hal_write(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    Serial.write(data, len);
}

static uint32_t hal_micros(void *ctx)
{
    (void)ctx;
    return (uint32_t)micros();
}

static float hal_read_sensor(void *ctx, uint8_t channel)
{
    (void)ctx;
    switch (channel) {
    case 0: return (float)analogRead(A0) / 1023.0f;
    case 1: return (float)analogRead(A1) / 1023.0f;
    case 2: return digitalRead(kButtonPin) == HIGH ? 1.0f : 0.0f;
    default: return 0.0f;
    }
}

static void hal_write_actuator(void *ctx, uint8_t channel, float value)
{
    (void)ctx;
    if (channel == 0) {
        analogWrite(kPwmPin, (int)(value * 255.0f + 0.5f));
    } else if (channel == 1) {
        digitalWrite(kDirPin, value >= 0.5f ? HIGH : LOW);
    }
}

static void hal_event(void *ctx, ifm_event_t event, uint32_t arg)
{
    (void)ctx;
    (void)arg;
    // The serial line carries frames only: show link state on the LED instead of printing.
    if (event == IFM_EVENT_SAFE_ENTERED) {
        digitalWrite(LED_BUILTIN, LOW);
    } else if (event == IFM_EVENT_SAFE_LEFT) {
        digitalWrite(LED_BUILTIN, HIGH);
    }
}

void setup()
{
    pinMode(kPwmPin, OUTPUT);
    pinMode(kDirPin, OUTPUT);
    pinMode(kButtonPin, INPUT_PULLUP);
    pinMode(LED_BUILTIN, OUTPUT);
    Serial.begin(115200);

    ifm_device_info_t info;
    memset(&info, 0, sizeof info);
    info.fw_major = 1;
    info.fw_minor = 0;
    info.fw_patch = 0;
    // Differs on every boot so the host can tell a restart: floating-pin noise mixed with the boot time.
    info.boot_id = ((uint32_t)analogRead(A5) << 20) ^ ((uint32_t)analogRead(A4) << 10) ^ (uint32_t)micros();
    info.sensor_count = 3;
    info.sensors[0] = {IFM_KIND_ANALOG, 0.0f, 1.0f};
    info.sensors[1] = {IFM_KIND_ANALOG, 0.0f, 1.0f};
    info.sensors[2] = {IFM_KIND_DIGITAL, 0.0f, 1.0f};
    info.actuator_count = 2;
    info.actuators[0] = {IFM_KIND_DUTY, 0.0f, 1.0f, 0.0f};
    info.actuators[1] = {IFM_KIND_DIGITAL, 0.0f, 1.0f, 0.0f};

    ifm_hal_t hal = {NULL, hal_read, hal_write, hal_micros, hal_read_sensor, hal_write_actuator, hal_event};
    ifm_device_init(&device, &hal, &info); // actuators safe, HELLO sent
}

void loop()
{
    ifm_device_poll(&device);
}
