using System.Device.Gpio;
using System.Globalization;
using System.Text;

namespace Ifm.Devices.Simulation;

/// <summary>
/// Something simulated that changes with time: <see cref="SimulatedHardware.EndPeriod"/> calls it once per control
/// period, after the actuators were written, with the simulated time. Must not allocate (it runs on the loop thread).
/// </summary>
public interface ISimulatedPlant
{
    void Advance(long period, long nowNanoseconds);
}

/// <summary>
/// A push button on a GPIO line: pressed for 0.3 s every 2 s; each press and release bounces (4 extra edges 0.4 ms
/// apart, as a mechanical contact does for a few ms): the simulated clock advances between the edges, so a debounce
/// sees them at their times.
/// </summary>
public sealed class SimulatedSwitch(SimulatedGpioDriver driver, int pin, bool activeLow, SimulatedClock clock) : ISimulatedPlant
{
    public const long PeriodNs = 2_000_000_000, PressedNs = 300_000_000, BounceNs = 400_000;
    private bool _pressed;

    public int Presses { get; private set; }

    public void Advance(long period, long nowNanoseconds)
    {
        bool pressed = nowNanoseconds % PeriodNs < PressedNs;
        if (pressed == _pressed)
        {
            return;
        }

        _pressed = pressed;
        if (pressed)
        {
            Presses++;
        }

        PinValue on = (pressed ^ activeLow) ? PinValue.High : PinValue.Low, off = on == PinValue.High ? PinValue.Low : PinValue.High;
        for (int edge = 0; edge < 5; edge++)
        {
            if (edge > 0)
            {
                clock.Advance(BounceNs);
            }

            driver.SetInput(pin, edge % 2 == 0 ? on : off);
        }
    }
}

/// <summary>
/// A wheel with a quadrature encoder: ±<see cref="CountsPerSecond"/> counts/s, reversing every 3 s; each count is one
/// Gray-code step on A/B (A leads B when turning forward), at most 256 steps per period.
/// </summary>
public sealed class SimulatedQuadratureWheel(SimulatedGpioDriver driver, int pinA, int pinB, SimulatedHardware hardware) : ISimulatedPlant
{
    public const double CountsPerSecond = 200;
    private static readonly (bool A, bool B)[] Gray = [(false, false), (true, false), (true, true), (false, true)];
    private double _position;
    private long _steps;

    /// <summary>The wheel's true position in counts.</summary>
    public long Position => _steps;

    public void Advance(long period, long nowNanoseconds)
    {
        double dt = hardware.PeriodNanoseconds / 1e9;
        double direction = (nowNanoseconds / 3_000_000_000L) % 2 == 0 ? 1 : -1;
        _position += direction * CountsPerSecond * dt;
        long target = (long)Math.Floor(_position);
        for (int i = 0; i < 256 && _steps != target; i++)
        {
            _steps += Math.Sign(target - _steps);
            var (a, b) = Gray[(int)(((_steps % 4) + 4) % 4)];
            PinValue va = a ? PinValue.High : PinValue.Low, vb = b ? PinValue.High : PinValue.Low;
            if (driver.GetLevel(pinA) != va)
            {
                driver.SetInput(pinA, va);
            }

            if (driver.GetLevel(pinB) != vb)
            {
                driver.SetInput(pinB, vb);
            }
        }
    }
}

/// <summary>
/// What an HC-SR04 sees: a target moving 0.3 → 1.5 m and back every 4 s, out of range (no echo) in the last 5 % of
/// each cycle.
/// </summary>
public sealed class SimulatedRangeTarget(SimulatedHcsr04 sensor, SimulatedHardware hardware) : ISimulatedPlant
{
    public SimulatedHcsr04 Sensor { get; } = sensor;
    public SimulatedHardware Hardware { get; } = hardware;

    public void Advance(long period, long nowNanoseconds)
    {
        double phase = (nowNanoseconds % 4_000_000_000L) / 4e9;
        Sensor.DistanceMeters = phase > 0.95 ? null : 0.3 + (1.2 * (1 - Math.Abs((2 * phase) - 1)));
    }
}

/// <summary>An MPU-6050 on a board tilting ±20° about X every 5 s (gravity rotates, the gyro sees the rate).</summary>
public sealed class SimulatedTilt(SimulatedMpu6050 imu, SimulatedHardware hardware) : ISimulatedPlant
{
    public SimulatedMpu6050 Imu { get; } = imu;
    public SimulatedHardware Hardware { get; } = hardware;

    public void Advance(long period, long nowNanoseconds)
    {
        double t = nowNanoseconds / 1e9, w = 2 * Math.PI / 5;
        double angle = 20 * Math.Sin(w * t) * Math.PI / 180;
        Imu.AccelG = (0, Math.Sin(angle), Math.Cos(angle));
        Imu.GyroDps = (20 * w * Math.Cos(w * t), 0, 0);
    }
}

/// <summary>
/// A UART device in place of a serial port: a readable stream that produces one line of <c>fields</c> numbers
/// (slow sines, two decimals) every 1/<c>linesPerSecond</c> s of wall-clock time. Reads block like a port's until
/// the next line is due; <see cref="Stream.Dispose()"/> ends them.
/// </summary>
public sealed class SimulatedLineDevice(int fields, string separator, double linesPerSecond) : Stream
{
    private readonly byte[] _line = new byte[Math.Max(16, fields * 16)];
    private readonly DateTime _start = DateTime.UtcNow;
    private int _lineLength, _linePos;
    private long _lines;
    private volatile bool _closed;

    public long Lines => Interlocked.Read(ref _lines);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_linePos >= _lineLength)
        {
            // Wait for the next line's time (the reader thread of the sensor, never the loop).
            double due = (_lines + 1) / linesPerSecond;
            while (!_closed && (DateTime.UtcNow - _start).TotalSeconds < due)
            {
                Thread.Sleep(Math.Clamp((int)(((due - (DateTime.UtcNow - _start).TotalSeconds) * 1000) + 1), 1, 50));
            }

            if (_closed)
            {
                return 0;
            }

            Fill(_lines++);
        }

        int n = Math.Min(buffer.Length, _lineLength - _linePos);
        _line.AsSpan(_linePos, n).CopyTo(buffer);
        _linePos += n;
        return n;
    }

    private void Fill(long index)
    {
        var sb = new StringBuilder();
        double t = index / linesPerSecond;
        for (int i = 0; i < fields; i++)
        {
            if (i > 0)
            {
                sb.Append(separator);
            }

            sb.Append((500 + (400 * Math.Sin((t * 0.5) + i))).ToString("0.00", CultureInfo.InvariantCulture));
        }

        sb.Append('\n');
        _lineLength = Encoding.ASCII.GetBytes(sb.ToString(), _line);
        _linePos = 0;
    }

    /// <summary>Commands written to the device are accepted and dropped.</summary>
    public override void Write(byte[] buffer, int offset, int count)
    {
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _closed = true;
        base.Dispose(disposing);
    }
}
