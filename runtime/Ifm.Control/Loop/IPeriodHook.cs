using Ifm.Devices.Mapping;
using Ifm.Runtime.Engine;

namespace Ifm.Control.Loop;

/// <summary>
/// Code run on the loop thread inside every period: <see cref="BeforePeriod"/> after the wait and before the sensors are
/// read (it counts as the period's work: a stall injected here is an overrun), <see cref="AfterPeriod"/> after the
/// actuators were written. The hardware-in-the-loop runner applies its stimuli and records its trace here. Both must
/// not allocate and must not block except on purpose.
/// </summary>
public interface IPeriodHook
{
    /// <summary>Period <paramref name="period"/> begins (0-based).</summary>
    void BeforePeriod(long period);

    /// <summary>
    /// Period <paramref name="period"/> ended: started <paramref name="sinceStartNs"/> after the loop's start, its work
    /// took <paramref name="computeNs"/>; the network's inputs and outputs, the devices, the session and the loop's
    /// statistics as they are now.
    /// </summary>
    void AfterPeriod(long period, long sinceStartNs, long computeNs, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputs,
        DeviceSet devices, INetworkSession session, LoopStatistics statistics);
}
