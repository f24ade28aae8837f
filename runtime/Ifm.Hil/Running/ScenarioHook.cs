using Ifm.Control.Loop;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.FirmwareBridge.Devices;
using Ifm.FirmwareBridge.Link;
using Ifm.Hil.Steps;
using Ifm.Runtime.Engine;

namespace Ifm.Hil.Running;

/// <summary>
/// The scenario's part on the loop thread: applies the loop steps due in each period (through the device set's
/// pre-allocated <see cref="SensorOverrides"/>) and stores the period into the <see cref="Trace"/>. Everything is sized
/// and resolved in the constructor; <see cref="BeforePeriod"/> and <see cref="AfterPeriod"/> allocate nothing.
/// The runner's thread reads <see cref="Period"/> to fire its own steps.
/// </summary>
internal sealed class ScenarioHook : IPeriodHook
{
    private readonly Trace _trace;
    private readonly long _offset;
    private readonly long _timeOffsetNs;
    private readonly ScenarioStep[] _steps;
    private readonly ScenarioStep[] _active;
    private int _activeCount, _next;
    private readonly LoopContext _context;
    private readonly SimulatedHardware? _sim;
    private readonly BridgeActuator[] _bridgeActuators;
    private readonly BridgeCounters[] _links;
    private readonly long _baseOverruns, _baseStale, _baseHits, _baseMisses, _baseLoss, _baseReconnects, _baseRestarts, _baseCrc;
    private readonly byte _segment;
    private readonly DeviceCounters[] _counters;
    private long _period = -1;

    public ScenarioHook(Trace trace, int segment, long offset, long timeOffsetNs, IEnumerable<ScenarioStep> loopSteps, DeviceSet devices,
        INetworkSession session, SimulatedHardware? sim, IEnumerable<BridgeCounters> links)
    {
        _trace = trace;
        _segment = (byte)segment;
        _offset = offset;
        _timeOffsetNs = timeOffsetNs;
        _steps = [.. loopSteps.Where(s => s.Period >= offset || (s.EndPeriod ?? long.MaxValue) > offset).OrderBy(s => s.Period)];
        _active = new ScenarioStep[_steps.Length];
        devices.Overrides ??= devices.CreateOverrides();
        _context = new LoopContext(devices.Overrides, devices, session);
        _sim = sim;
        _bridgeActuators = [.. devices.Actuators.OfType<BridgeActuator>()];
        _links = [.. links];
        _counters = [.. devices.Counters.Where(c => !c.IsActuator)];
        if (offset > 0)
        {
            long last = offset - 1;
            (_baseOverruns, _baseStale, _baseHits, _baseMisses) = (trace.Overruns[last], trace.StaleReads[last], Math.Max(0, trace.Hits[last]), Math.Max(0, trace.Misses[last]));
            (_baseLoss, _baseReconnects, _baseRestarts, _baseCrc) = (trace.LinkLosses[last], trace.Reconnects[last], trace.PeerRestarts[last], trace.CrcErrors[last]);
        }
    }

    /// <summary>The scenario period the loop is in (−1 before the first); read from the runner's thread.</summary>
    public long Period => Volatile.Read(ref _period);

    public void BeforePeriod(long period)
    {
        long p = period + _offset;
        Volatile.Write(ref _period, p);

        // End the lasting steps that are over, start those that are due, update the rest.
        for (int i = 0; i < _activeCount; i++)
        {
            ScenarioStep s = _active[i];
            if (s.EndPeriod is { } end && p >= end)
            {
                s.Stop(_context);
                _active[i] = _active[--_activeCount];
                i--;
            }
        }

        while (_next < _steps.Length && _steps[_next].Period <= p)
        {
            ScenarioStep s = _steps[_next++];
            if (s.EndPeriod is { } end && p >= end) continue;
            s.StartedAt = p;
            s.Start(_context);
            if (s.EndPeriod is not null || s is SensorStep) _active[_activeCount++] = s;
        }

        for (int i = 0; i < _activeCount; i++)
        {
            _active[i].Update(_context, p);
        }
    }

    public void AfterPeriod(long period, long sinceStartNs, long computeNs, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputs,
        DeviceSet devices, INetworkSession session, LoopStatistics statistics)
    {
        long p = period + _offset;
        Trace t = _trace;
        if (p >= t.Capacity) return;
        int at = (int)p;
        t.StartNs[at] = _timeOffsetNs + sinceStartNs;
        t.ComputeNs[at] = computeNs;
        int ns = t.SensorNames.Count, na = t.ActuatorNames.Count, no = t.OutputNames.Count;
        devices.CopySensorSamples(t.Sensors.AsSpan(at * ns, ns));
        devices.CopyActuatorCommands(t.Actuators.AsSpan(at * na, na));
        outputs.CopyTo(t.Outputs.AsSpan(at * no, no));
        t.Overruns[at] = _baseOverruns + statistics.Overruns;
        long stale = 0;
        foreach (DeviceCounters c in _counters) stale += c.StaleReads;
        t.StaleReads[at] = _baseStale + stale;
        if (_sim?.Pong is { } pong)
        {
            t.Hits[at] = _baseHits + pong.Hits;
            t.Misses[at] = _baseMisses + pong.Misses;
        }
        else
        {
            t.Hits[at] = t.Misses[at] = -1;
        }

        long loss = 0, reconnects = 0, restarts = 0, crc = 0;
        foreach (BridgeCounters c in _links)
        {
            loss += c.LinkLossCount;
            reconnects += c.ReconnectCount;
            restarts += c.PeerRestartCount;
            crc += c.CrcErrorCount;
        }

        t.LinkLosses[at] = _baseLoss + loss;
        t.Reconnects[at] = _baseReconnects + reconnects;
        t.PeerRestarts[at] = _baseRestarts + restarts;
        t.CrcErrors[at] = _baseCrc + crc;
        t.Guard[at] = session.Plasticity.GuardTripped;
        sbyte safe = -1;
        foreach (BridgeActuator a in _bridgeActuators)
        {
            safe = a.IsInSafeState ? (safe == 0 ? (sbyte)0 : (sbyte)1) : (sbyte)0;
        }

        t.Safe[at] = safe;
        t.Segment[at] = _segment;
        Volatile.Write(ref t.Count, p + 1);
    }
}
