using System.Device.Gpio;
using Ifm.Devices.Drivers;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

public class DigitalIoTests
{
    [Fact]
    public void Input_counts_debounced_edges()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var driver = new SimulatedGpioDriver(32, clock);
        using var gpio = new GpioController(driver);
        using var input = new DigitalInput("button", gpio, 4, PinMode.Input, debounceNanoseconds: 5_000_000, clock: clock);
        Span<float> s = stackalloc float[2];

        driver.SetInput(4, PinValue.High);     // press: counted
        clock.Advance(1_000_000);
        driver.SetInput(4, PinValue.Low);      // bounce 1 ms later: ignored
        driver.SetInput(4, PinValue.High);     // bounce: ignored
        Assert.True(input.Read(s));
        Assert.Equal(1f, s[0]);
        Assert.Equal(1f, s[1]);
        Assert.Equal(2, input.Bounces);

        clock.Advance(10_000_000);
        driver.SetInput(4, PinValue.Low);      // release: accepted, not a press
        clock.Advance(10_000_000);
        driver.SetInput(4, PinValue.High);     // second press
        input.Read(s);
        Assert.Equal(2f, s[1]);
        Assert.Equal(1, driver.CallbackCount(4));
    }

    [Fact]
    public void Active_low_input_with_pull_up()
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        driver.SetInput(9, PinValue.High); // pulled up, button open
        using var input = new DigitalInput("b", gpio, 9, PinMode.InputPullUp, activeLow: true);
        Assert.Equal(PinMode.InputPullUp, driver.ModeOf(9));
        Span<float> s = stackalloc float[2];
        input.Read(s);
        Assert.Equal(0f, s[0]);
        driver.SetInput(9, PinValue.Low);  // pressed
        input.Read(s);
        Assert.Equal(1f, s[0]);
        Assert.Equal(1f, s[1]);
    }

    [Fact]
    public void Output_levels_and_safe_state()
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        using var led = new DigitalOutput("relay", gpio, 12, activeLow: true, safeActive: false);
        Assert.Equal(PinValue.High, driver.GetLevel(12)); // inactive = high when active-low
        led.Write([1f]);
        Assert.Equal(PinValue.Low, driver.GetLevel(12));
        led.Write([0.2f]);
        Assert.Equal(PinValue.High, driver.GetLevel(12));
        led.Write([1f]);
        led.Write([float.NaN]);
        Assert.Equal(PinValue.High, driver.GetLevel(12));
        led.Write([1f]);
        led.EnterSafeState();
        led.EnterSafeState();
        Assert.Equal(PinValue.High, driver.GetLevel(12));
        Assert.Equal(0, led.SafeStateFailures);
    }
}

public class ServoTests
{
    [Theory]
    [InlineData(0, 0.05)]
    [InlineData(90, 0.075)]
    [InlineData(180, 0.10)]
    [InlineData(250, 0.10)]
    [InlineData(-5, 0.05)]
    public void Angle_to_duty_default_pulse_range(float angle, double duty)
    {
        var pwm = new SimulatedPwmChannel();
        using var servo = new Servo("s", pwm);
        servo.Write([angle]);
        Assert.Equal(50, pwm.Frequency);
        Assert.Equal(duty, pwm.DutyCycle, 9);
        Assert.True(pwm.IsRunning);
    }

    [Fact]
    public void Configurable_pulse_range_and_safe_states()
    {
        var pwm = new SimulatedPwmChannel();
        using var servo = new Servo("s", pwm, 50, 500, 2500, 180, safeAngle: 45);
        servo.Write([90f]);
        Assert.Equal(1500, pwm.PulseMicroseconds, 6);
        servo.Write([0f]);
        Assert.Equal(500, pwm.PulseMicroseconds, 6);
        servo.EnterSafeState();
        Assert.Equal(1000, pwm.PulseMicroseconds, 6); // 45° of 500..2500
        Assert.True(pwm.IsRunning);

        var pwm2 = new SimulatedPwmChannel();
        using var limp = new Servo("t", pwm2);
        limp.Write([30f]);
        limp.EnterSafeState();
        limp.EnterSafeState();
        Assert.False(pwm2.IsRunning);
        Assert.Equal(1, pwm2.StopCount);
    }

    [Fact]
    public void Safe_state_never_throws_on_a_failing_channel()
    {
        var pwm = new SimulatedPwmChannel();
        using var servo = new Servo("s", pwm, safeAngle: 90);
        pwm.FailWrites = true;
        servo.EnterSafeState();
        Assert.Equal(1, servo.SafeStateFailures);
        Assert.Throws<IOException>(() => servo.Write([10f]));
        pwm.FailWrites = false;
    }

    [Fact]
    public void Rejects_impossible_pulse_range() =>
        Assert.Throws<ArgumentException>(() => new Servo("s", new SimulatedPwmChannel(), 50, 2000, 1000));
}

public class HBridgeTests
{
    private static (SimulatedGpioDriver, GpioController, SimulatedPwmChannel) Rig()
    {
        var driver = new SimulatedGpioDriver();
        return (driver, new GpioController(driver), new SimulatedPwmChannel());
    }

    [Fact]
    public void Direction_pins_and_duty()
    {
        var (driver, gpio, pwm) = Rig();
        using var motor = new HBridgeMotor("m", gpio, pwm, 5, 6, MotorSafeState.Coast);
        motor.Write([0.5f]);
        Assert.Equal((PinValue.High, PinValue.Low), (driver.GetLevel(5), driver.GetLevel(6)));
        Assert.Equal(0.5, pwm.DutyCycle, 6);
        motor.Write([-0.25f]);
        Assert.Equal((PinValue.Low, PinValue.High), (driver.GetLevel(5), driver.GetLevel(6)));
        Assert.Equal(0.25, pwm.DutyCycle, 6);
        motor.Write([-3f]);
        Assert.Equal(1.0, pwm.DutyCycle, 6);
        motor.Write([0.01f]); // inside the deadband: coast
        Assert.Equal((PinValue.Low, PinValue.Low), (driver.GetLevel(5), driver.GetLevel(6)));
        Assert.Equal(0.0, pwm.DutyCycle);
        gpio.Dispose();
    }

    [Fact]
    public void Brake_and_coast_safe_states_are_idempotent()
    {
        var (driver, gpio, pwm) = Rig();
        using var brake = new HBridgeMotor("m", gpio, pwm, 5, 6, MotorSafeState.Brake);
        brake.Write([0.8f]);
        brake.EnterSafeState();
        brake.EnterSafeState();
        Assert.Equal((PinValue.High, PinValue.High), (driver.GetLevel(5), driver.GetLevel(6)));
        Assert.Equal(1.0, pwm.DutyCycle);

        var (driver2, gpio2, pwm2) = Rig();
        using var coast = new HBridgeMotor("c", gpio2, pwm2, 7, 8, MotorSafeState.Coast);
        coast.Write([-0.8f]);
        coast.EnterSafeState();
        Assert.Equal((PinValue.Low, PinValue.Low), (driver2.GetLevel(7), driver2.GetLevel(8)));
        Assert.Equal(0.0, pwm2.DutyCycle);
        coast.Write([float.NaN]);
        Assert.Equal((PinValue.Low, PinValue.Low), (driver2.GetLevel(7), driver2.GetLevel(8)));
        gpio.Dispose();
        gpio2.Dispose();
    }

    [Fact]
    public void Safe_state_still_sets_pins_when_pwm_fails()
    {
        var (driver, gpio, pwm) = Rig();
        using var motor = new HBridgeMotor("m", gpio, pwm, 5, 6, MotorSafeState.Brake);
        motor.Write([0.7f]);
        pwm.FailWrites = true;
        motor.EnterSafeState(); // must not throw
        Assert.Equal((PinValue.High, PinValue.High), (driver.GetLevel(5), driver.GetLevel(6)));
        Assert.Equal(1, motor.SafeStateFailures);
        pwm.FailWrites = false;
        motor.Write([-0.3f]); // recovers: every pin re-driven
        Assert.Equal((PinValue.Low, PinValue.High), (driver.GetLevel(5), driver.GetLevel(6)));
        Assert.Equal(0.3, pwm.DutyCycle, 6);
        gpio.Dispose();
    }
}

public class Hcsr04Tests
{
    [Fact]
    public void Echo_timing_gives_distance()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 1_000); // each clock read = 1 µs
        var driver = new SimulatedGpioDriver(32, clock);
        using var gpio = new GpioController(driver);
        var module = new SimulatedHcsr04(driver, 23, 24) { DistanceMeters = 0.5 };
        using var sonar = new Hcsr04("sonar", gpio, 23, 24, clock);
        clock.Advance(100_000_000);
        Span<float> d = stackalloc float[1];

        Assert.True(sonar.Read(d));
        Assert.Equal(1, module.Triggers);
        Assert.InRange(d[0], 0.499f, 0.501f);                          // 2915 µs echo, 1 µs resolution
        Assert.InRange(sonar.LastEchoNanoseconds, 2_913_000, 2_918_000);

        Assert.False(sonar.Read(d));                                   // inside the 60 ms cycle: no fresh value
        Assert.Equal(1, module.Triggers);

        clock.Advance(100_000_000);
        module.DistanceMeters = 2.0;
        Assert.True(sonar.Read(d));
        Assert.InRange(d[0], 1.999f, 2.001f);
    }

    [Fact]
    public void No_echo_times_out_without_a_value()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 1_000);
        var driver = new SimulatedGpioDriver(32, clock);
        using var gpio = new GpioController(driver);
        var module = new SimulatedHcsr04(driver, 23, 24) { DistanceMeters = null };
        using var sonar = new Hcsr04("sonar", gpio, 23, 24, clock, timeoutNanoseconds: 25_000_000);
        clock.Advance(100_000_000);
        long start = clock.Peek;
        Span<float> d = [42f];
        Assert.False(sonar.Read(d));
        Assert.Equal(42f, d[0]);
        Assert.Equal(1, sonar.Timeouts);
        Assert.InRange(clock.Peek - start, 25_000_000, 26_000_000); // gave up at the timeout, in simulated time
    }
}

public class Mpu6050Tests
{
    [Fact]
    public void Wakes_configures_and_scales()
    {
        var imu = new SimulatedMpu6050 { AccelG = (0.5, -0.25, 1.0), GyroDps = (10, -20, 250), TemperatureC = 25 };
        Assert.True(imu.IsSleeping);
        using var sensor = new Mpu6050("imu", imu, AccelRange.G4, GyroRange.Dps500);
        Assert.False(imu.IsSleeping);
        Assert.Equal(0x01, imu.Peek(0x6B));
        Assert.Equal(0x08, imu.Peek(0x1C)); // AFS_SEL = 1 in bits 4:3
        Assert.Equal(0x08, imu.Peek(0x1B)); // FS_SEL = 1

        Span<float> v = stackalloc float[7];
        Assert.True(sensor.Read(v));
        Assert.Equal(0.5 * 9.80665, v[0], 4);   // raw 4096 at 8192 LSB/g
        Assert.Equal(-0.25 * 9.80665, v[1], 4);
        Assert.Equal(9.80665, v[2], 3);
        Assert.Equal(10.0, v[3], 3);             // raw 655 at 65.5 LSB/(°/s)
        Assert.Equal(-20.0, v[4], 3);
        Assert.Equal(250.0, v[5], 3);
        Assert.Equal(-3920 / 340.0 + 36.53, v[6], 4);
    }

    [Fact]
    public void Raw_registers_are_big_endian_and_follow_the_range()
    {
        var imu = new SimulatedMpu6050 { AccelG = (0.5, 0, 3.0) };
        using var sensor = new Mpu6050("imu", imu, AccelRange.G2, GyroRange.Dps250);
        Span<byte> raw = stackalloc byte[6];
        imu.WriteRead([0x3B], raw);
        Assert.Equal(0x20, raw[0]); // 0.5 g · 16384 = 8192 = 0x2000
        Assert.Equal(0x00, raw[1]);
        Assert.Equal(0x7F, raw[4]); // 3 g saturates at ±2 g: 0x7FFF
        Assert.Equal(0xFF, raw[5]);

        imu.Write([0x1C, 0x18]);    // switch to ±16 g: 0.5 g = 1024 = 0x0400
        imu.WriteRead([0x3B], raw);
        Assert.Equal(0x04, raw[0]);
        Assert.Equal(0x00, raw[1]);
    }

    [Fact]
    public void Sleeping_chip_reads_zero()
    {
        var imu = new SimulatedMpu6050 { AccelG = (1, 1, 1) };
        Span<byte> raw = stackalloc byte[2];
        imu.WriteRead([0x3B], raw);
        Assert.Equal(0, raw[0] | raw[1]);
    }

    [Fact]
    public void Wrong_who_am_i_is_refused_with_the_value()
    {
        var imu = new SimulatedMpu6050 { WhoAmI = 0x71 };
        var ex = Assert.Throws<IOException>(() => new Mpu6050("imu", imu));
        Assert.Contains("0x71", ex.Message);
        Assert.Contains("WHO_AM_I", ex.Message);
    }

    [Fact]
    public void Bus_error_is_a_stale_read_not_a_crash()
    {
        var imu = new SimulatedMpu6050();
        using var sensor = new Mpu6050("imu", imu);
        Span<float> v = stackalloc float[7];
        imu.FailTransfers = 1;
        Assert.False(sensor.Read(v));
        Assert.Equal(1, sensor.BusErrors);
        Assert.True(sensor.Read(v));
        Assert.Equal(9.80665, v[2], 3);
    }
}

public class QuadratureTests
{
    [Fact]
    public void Counts_both_directions_from_scripted_edges()
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        using var enc = new QuadratureEncoder("wheel", gpio, 5, 6);
        Span<float> v = stackalloc float[2];

        // forward cycle: A↑ B↑ A↓ B↓ (00 → 10 → 11 → 01 → 00), twice
        for (int i = 0; i < 2; i++)
        {
            driver.SetInput(5, PinValue.High);
            driver.SetInput(6, PinValue.High);
            driver.SetInput(5, PinValue.Low);
            driver.SetInput(6, PinValue.Low);
        }

        enc.Read(v);
        Assert.Equal(8f, v[0]);
        Assert.Equal(1f, v[1]);
        enc.Read(v);
        Assert.Equal(0f, v[1]); // no motion since the last read

        // reverse: B↑ A↑ B↓ A↓, then half a cycle back
        driver.SetInput(6, PinValue.High);
        driver.SetInput(5, PinValue.High);
        driver.SetInput(6, PinValue.Low);
        driver.SetInput(5, PinValue.Low);
        driver.SetInput(6, PinValue.High);
        driver.SetInput(5, PinValue.High);
        enc.Read(v);
        Assert.Equal(2f, v[0]);
        Assert.Equal(-1f, v[1]);
        Assert.Equal(0, enc.InvalidTransitions);
    }

    [Fact]
    public void Jitter_on_one_line_cancels_out()
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        using var enc = new QuadratureEncoder("wheel", gpio, 5, 6);
        for (int i = 0; i < 5; i++)
        {
            driver.SetInput(5, PinValue.High);
            driver.SetInput(5, PinValue.Low);
        }

        Assert.Equal(0, enc.Count);
    }
}
