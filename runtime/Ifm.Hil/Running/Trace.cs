namespace Ifm.Hil.Running;

/// <summary>
/// Every period of a scenario, in arrays allocated before the loop starts (the loop thread only stores into them):
/// timing, the sensor samples, the actuator commands, the network outputs and cumulative counters. Periods are
/// numbered over the whole scenario (a restart continues the numbering). Assertions read it after the run.
/// </summary>
public sealed class Trace
{
    public Trace(long capacity, IReadOnlyList<string> sensors, IReadOnlyList<string> actuators, IReadOnlyList<string> outputs)
    {
        long floats = capacity * (sensors.Count + actuators.Count + outputs.Count);
        if (floats > 64L << 20) throw new Scenarios.ScenarioException("trace", [$"{capacity} periods × {sensors.Count + actuators.Count + outputs.Count} channels is too long to trace (limit 64 Mi values); shorten the scenario"]);
        Capacity = (int)capacity;
        SensorNames = sensors;
        ActuatorNames = actuators;
        OutputNames = outputs;
        StartNs = new long[Capacity];
        ComputeNs = new long[Capacity];
        Sensors = new float[Capacity * sensors.Count];
        Actuators = new float[Capacity * actuators.Count];
        Outputs = new float[Capacity * outputs.Count];
        Overruns = new long[Capacity];
        StaleReads = new long[Capacity];
        Hits = new long[Capacity];
        Misses = new long[Capacity];
        LinkLosses = new long[Capacity];
        Reconnects = new long[Capacity];
        PeerRestarts = new long[Capacity];
        CrcErrors = new long[Capacity];
        Guard = new bool[Capacity];
        Safe = new sbyte[Capacity];
        Segment = new byte[Capacity];
    }

    public int Capacity { get; }
    public IReadOnlyList<string> SensorNames { get; }
    public IReadOnlyList<string> ActuatorNames { get; }
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Periods recorded (the last recorded period is Count − 1).</summary>
    public long Count;

    /// <summary>Start of the period since the scenario's first period (a restart's gap included).</summary>
    public readonly long[] StartNs;
    public readonly long[] ComputeNs;
    public readonly float[] Sensors;
    public readonly float[] Actuators;
    public readonly float[] Outputs;

    /// <summary>Cumulative over the scenario.</summary>
    public readonly long[] Overruns, StaleReads, LinkLosses, Reconnects, PeerRestarts, CrcErrors;

    /// <summary>Cumulative plant counters (Pong hits and misses); −1 where the plant has none.</summary>
    public readonly long[] Hits, Misses;

    /// <summary>The plasticity NaN/Inf guard had tripped by the end of the period.</summary>
    public readonly bool[] Guard;

    /// <summary>Every bridge actuator commanded to its safe value (host side): 1, not: 0, no such actuator: −1.</summary>
    public readonly sbyte[] Safe;

    /// <summary>Which run of the scenario (0, then 1 after a restart, ...).</summary>
    public readonly byte[] Segment;

    /// <summary>A reader of a named column by period: a sensor channel, an actuator or "output.NAME".</summary>
    public bool TryColumn(string name, out Func<long, float> read)
    {
        int i = IndexOf(SensorNames, name);
        if (i >= 0)
        {
            int n = SensorNames.Count;
            read = p => Sensors[(p * n) + i];
            return true;
        }

        i = IndexOf(ActuatorNames, name);
        if (i >= 0)
        {
            int n = ActuatorNames.Count;
            read = p => Actuators[(p * n) + i];
            return true;
        }

        if (name.StartsWith("output.", StringComparison.Ordinal) && IndexOf(OutputNames, name["output.".Length..]) is var o and >= 0)
        {
            int n = OutputNames.Count;
            read = p => Outputs[(p * n) + o];
            return true;
        }

        read = _ => float.NaN;
        return false;
    }

    /// <summary>Every column name <see cref="TryColumn"/> accepts.</summary>
    public IEnumerable<string> Columns => SensorNames.Concat(ActuatorNames).Concat(OutputNames.Select(o => "output." + o));

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }

        return -1;
    }
}
