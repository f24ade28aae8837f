using System.Device.Spi;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The Microchip MCP3008 on SPI, bit by bit (datasheet DS21295D §5 and fig. 6-1): with CS low, the first clock with
/// DIN high is the start bit; the next four clocks bring SGL/DIFF, D2, D1, D0; the input is sampled on the next clock
/// (DOUT high-impedance until then, read here as 1s); then DOUT gives the null bit (0), B9..B0 MSB first, then
/// B1..B9 LSB first, then zeros. Each transfer is one CS-low frame. Single-ended inputs CH0..CH7 against VREF
/// (code = min(1023, round(1024 · V / VREF)), negative = 0); differential pairs CH0−CH1, CH1−CH0, … by D2..D0. A
/// clock above the datasheet's 1.35 MHz (2.7 V) limit or an SPI mode other than 0,0 / 1,1 reads garbage, as the part does.
/// </summary>
public sealed class SimulatedMcp3008(int bus = 0, int chipSelect = 0, int clockHz = 1_000_000) : SpiDevice
{
    public override SpiConnectionSettings ConnectionSettings { get; } = new(bus, chipSelect) { ClockFrequency = clockHz, Mode = SpiMode.Mode0 };

    /// <summary>Voltages at CH0..CH7.</summary>
    public double[] Volts { get; } = new double[8];

    public double VrefV { get; set; } = 3.3;

    /// <summary>Transfers that fail with an <see cref="IOException"/>.</summary>
    public int FailTransfers { get; set; }

    /// <summary>Conversions completed (sample clocks seen).</summary>
    public long Conversions { get; private set; }

    /// <summary>The last conversion's SGL/DIFF and D2..D0 bits.</summary>
    public int LastConfig { get; private set; } = -1;

    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException("simulated MCP3008: SPI transfer failed");
        }

        bool garbage = ConnectionSettings.ClockFrequency > 1_350_000 || ConnectionSettings.Mode is SpiMode.Mode1 or SpiMode.Mode2;
        int start = -1, config = 0, code = 0;
        int clocks = writeBuffer.Length * 8;
        for (int k = 0; k < clocks; k++)
        {
            bool din = (writeBuffer[k / 8] & (0x80 >> (k % 8))) != 0;
            int dout = 1;   // high impedance before the null bit
            if (start < 0)
            {
                if (din)
                {
                    start = k;
                }
            }
            else
            {
                int n = k - start;
                if (n <= 4)
                {
                    config = (config << 1) | (din ? 1 : 0);
                }

                if (n == 5)
                {
                    code = Convert(config);
                    LastConfig = config;
                    Conversions++;
                }

                dout = n switch
                {
                    < 6 => 1,
                    6 => 0,                                  // null bit
                    <= 16 => (code >> (16 - n)) & 1,         // B9..B0
                    <= 25 => (code >> (n - 16)) & 1,         // B1..B9, LSB first
                    _ => 0,
                };
            }

            if (garbage && k % 3 == 0)
            {
                dout ^= 1;
            }

            if (k / 8 < readBuffer.Length)
            {
                if (dout != 0)
                {
                    readBuffer[k / 8] |= (byte)(0x80 >> (k % 8));
                }
                else
                {
                    readBuffer[k / 8] &= (byte)~(0x80 >> (k % 8));
                }
            }
        }
    }

    public override void Read(Span<byte> buffer)
    {
        Span<byte> zeros = stackalloc byte[buffer.Length];
        zeros.Clear();
        TransferFullDuplex(zeros, buffer);
    }

    public override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Span<byte> sink = stackalloc byte[buffer.Length];
        TransferFullDuplex(buffer, sink);
    }

    public override void WriteByte(byte value)
    {
        Span<byte> b = [value];
        Write(b);
    }

    private int Convert(int config)
    {
        bool single = (config & 8) != 0;
        int d = config & 7;
        double v = single ? Volts[d] : Volts[d & 6 | (d & 1)] - Volts[(d & 6) | (~d & 1)];
        return (int)Math.Clamp(Math.Round(1024 * v / VrefV), 0, 1023);
    }
}

/// <summary>Eight potentiometers on CH0..CH7, each swept 0..VREF with its own period (4..11 s).</summary>
public sealed class SimulatedPotentiometers(SimulatedMcp3008 adc) : ISimulatedPlant
{
    public void Advance(long period, long nowNanoseconds)
    {
        double t = nowNanoseconds / 1e9;
        for (int k = 0; k < 8; k++)
        {
            adc.Volts[k] = adc.VrefV * (0.5 + (0.5 * Math.Sin(2 * Math.PI * t / (4 + k))));
        }
    }
}
