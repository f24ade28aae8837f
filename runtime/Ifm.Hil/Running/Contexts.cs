using Ifm.Devices.Mapping;
using Ifm.Runtime.Engine;

namespace Ifm.Hil.Running;

/// <summary>The targets a scenario runs against.</summary>
public static class HilTargets
{
    public const string Sim = "sim";
    public const string VirtualMcu = "virtual-mcu";
    public const string Serial = "serial";

    public static readonly string[] All = [Sim, VirtualMcu, Serial];
    public static readonly string[] McuOnly = [VirtualMcu];
}

/// <summary>What a step sees while it resolves its names (before the loop starts).</summary>
public sealed class BindContext(DeviceSet devices, IReadOnlyList<string> sensorChannels)
{
    public DeviceSet Devices { get; } = devices;
    public IReadOnlyList<string> SensorChannels { get; } = sensorChannels;

    public int SensorChannel(string name)
    {
        for (int i = 0; i < SensorChannels.Count; i++)
        {
            if (SensorChannels[i] == name) return i;
        }

        return -1;
    }

    public bool HasDevice(string name) => Devices.Counters.Any(c => c.Name == name);
}

/// <summary>What a step sees on the loop thread: the override table, the devices, the session.</summary>
public sealed class LoopContext(SensorOverrides overrides, DeviceSet devices, INetworkSession session)
{
    private ulong _random = 0x9E3779B97F4A7C15UL;

    public SensorOverrides Overrides { get; } = overrides;
    public DeviceSet Devices { get; } = devices;
    public INetworkSession Session { get; } = session;

    /// <summary>A standard normal sample (xorshift + Box–Muller; no allocation, deterministic per scenario).</summary>
    public float Gaussian()
    {
        double u1 = (Next() >> 11) * (1.0 / (1UL << 53)), u2 = (Next() >> 11) * (1.0 / (1UL << 53));
        return (float)(Math.Sqrt(-2 * Math.Log(Math.Max(u1, 1e-300))) * Math.Cos(2 * Math.PI * u2));
    }

    private ulong Next()
    {
        _random ^= _random << 13;
        _random ^= _random >> 7;
        _random ^= _random << 17;
        return _random;
    }
}

/// <summary>What a runner-thread step acts on: the link, the MCU process, the run's stop switch.</summary>
public sealed class RunnerContext
{
    /// <summary>The pseudo-terminal relay between the host and the virtual MCU (null on other targets).</summary>
    public PtyRelay? Relay { get; init; }

    /// <summary>The virtual MCU process (null on other targets).</summary>
    public McuProcess? Mcu { get; init; }

    /// <summary>Sends SIGTERM to this process; the runner's handler stops the current run as a service stop would.</summary>
    public required Action SendSigterm { get; init; }

    /// <summary>Ends the current run so that the next one resumes from its checkpoint.</summary>
    public required Action Restart { get; init; }
}
