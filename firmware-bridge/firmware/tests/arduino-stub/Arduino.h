/* Just enough of the Arduino API to compile examples/IfmBridge on the host (a build check, not an emulator). */
#ifndef ARDUINO_STUB_H
#define ARDUINO_STUB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HIGH 1
#define LOW 0
#define INPUT_PULLUP 2
#define OUTPUT 1
#define LED_BUILTIN 13
#define A0 14
#define A1 15
#define A4 18
#define A5 19

struct StubSerial {
    void begin(unsigned long) {}
    int available() { return 0; }
    int read() { return -1; }
    size_t write(const uint8_t *, size_t len) { return len; }
};
extern StubSerial Serial;

inline unsigned long micros() { return 0; }
inline int analogRead(uint8_t) { return 0; }
inline void analogWrite(uint8_t, int) {}
inline int digitalRead(uint8_t) { return 0; }
inline void digitalWrite(uint8_t, int) {}
inline void pinMode(uint8_t, int) {}

#endif
