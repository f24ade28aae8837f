using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The ST VL53L1X as its ultra-lite driver (ULD, UM2510) sees it: 8-bit registers at 16-bit big-endian indexes with
/// auto-increment; IDENTIFICATION__MODEL_ID 0x010F = 0xEACC; FIRMWARE__SYSTEM_STATUS 0x00E5 reads 0 for
/// <see cref="BootReads"/> reads after power-on, then 1; SYSTEM__MODE_START 0x0087 (0x40 starts continuous ranging, 0x00
/// stops it); a ranging finishes every <see cref="RangingNanoseconds"/> on the simulated clock and raises the data-ready
/// bit 0 of GPIO__TIO_HV_STATUS 0x0031 with the polarity GPIO_HV_MUX__CTRL 0x0030 bit 4 selects (bit 4 = 0: ready
/// reads 1); RESULT__RANGE_STATUS 0x0089 (9 = valid, 2 = signal fail beyond <see cref="MaxRangeMeters"/>) and
/// RESULT__FINAL_CROSSTALK_CORRECTED_RANGE_MM_SD0 0x0096 (mm) hold the last ranging until SYSTEM__INTERRUPT_CLEAR 0x0086.
/// </summary>
public sealed class SimulatedVl53l1x : SimulatedByteRegisters
{
    private readonly SimulatedClock _clock;
    private int _bootReads;
    private bool _ranging, _ready;
    private long _rangingStart;

    public SimulatedVl53l1x(SimulatedClock clock, int busId = 1, int address = 0x29)
        : base("VL53L1X", busId, address, 0x10000)
    {
        _clock = clock;
        Registers[0x010F] = 0xEA;
        Registers[0x0110] = 0xCC;
        Registers[0x0111] = 0x10;   // module type
        Registers[0x0030] = 0x01;   // GPIO_HV_MUX__CTRL at power-on
        _bootReads = BootReads;
    }

    /// <summary>Reads of FIRMWARE__SYSTEM_STATUS that show the firmware still booting (tBOOT 1.2 ms on the part).</summary>
    public int BootReads { get; init; } = 2;

    /// <summary>Distance to the target, m.</summary>
    public double DistanceMeters { get; set; } = 1;

    /// <summary>Beyond this the ranging returns signal fail (status 2): 4 m in long distance mode, dark conditions.</summary>
    public double MaxRangeMeters { get; set; } = 4;

    /// <summary>One ranging: timing budget plus inter-measurement period of the ULD default configuration (100 ms).</summary>
    public long RangingNanoseconds { get; set; } = 100_000_000;

    public long Rangings { get; private set; }

    public bool IsRanging => _ranging;

    protected override int IndexBytes => 2;

    protected override void BeginRead()
    {
        if (!_ranging || _ready || _clock.Peek - _rangingStart < RangingNanoseconds)
        {
            return;
        }

        _rangingStart += (_clock.Peek - _rangingStart) / RangingNanoseconds * RangingNanoseconds;
        bool valid = DistanceMeters <= MaxRangeMeters && DistanceMeters >= 0;
        Registers[0x0089] = (byte)(valid ? 9 : 2);
        int mm = (int)Math.Round(Math.Clamp(DistanceMeters, 0, 8.191) * 1000);
        Registers[0x0096] = (byte)(mm >> 8);
        Registers[0x0097] = (byte)mm;
        _ready = true;
        Rangings++;
    }

    protected override byte Load(int register)
    {
        switch (register)
        {
            case 0x00E5:
                if (_bootReads > 0)
                {
                    _bootReads--;
                    return 0;
                }

                return 1;
            case 0x0031:
                bool activeHigh = (Registers[0x0030] & 0x10) == 0;
                return (byte)(0x02 | (_ready == activeHigh ? 1 : 0));
            default:
                return Registers[register];
        }
    }

    protected override void Store(int register, byte value)
    {
        switch (register)
        {
            case 0x0087:
                _ranging = (value & 0x40) != 0;
                _ready = false;
                _rangingStart = _clock.Peek;
                break;
            case 0x0086:
                if ((value & 1) != 0)
                {
                    _ready = false;
                }

                break;
            case >= 0x010F and <= 0x0111:
            case 0x00E5:
                break;   // read-only
            default:
                Registers[register] = value;
                break;
        }
    }
}

/// <summary>What <c>ifm run --simulate</c> gives a VL53L1X: a wall approaching from 2 m to 0.2 m and back (10 s cycle).</summary>
public sealed class SimulatedApproachingWall(SimulatedVl53l1x part) : ISimulatedPlant
{
    public void Advance(long period, long nowNanoseconds)
    {
        double t = nowNanoseconds / 1e9;
        part.DistanceMeters = 1.1 + (0.9 * Math.Cos(t * 2 * Math.PI / 10));
    }
}
