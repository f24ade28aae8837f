// Compiles the Arduino example against tests/arduino-stub/Arduino.h and runs setup()/loop() once:
// keeps the sketch in step with the library's API (it is not compiled for AVR here).
#include "../examples/IfmBridge/IfmBridge.ino"

StubSerial Serial;

int main()
{
    setup();
    loop();
    return 0;
}
