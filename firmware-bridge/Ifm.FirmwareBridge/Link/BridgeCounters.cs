using System.Diagnostics.Metrics;

namespace Ifm.FirmwareBridge.Link;

/// <summary>
/// Link counters, updated by the bridge threads and readable at any time; also published as observable counters
/// on the <c>Ifm.FirmwareBridge</c> meter, tagged with the port.
/// </summary>
public sealed class BridgeCounters : IDisposable
{
    /// <summary>Name of the <see cref="Meter"/> the counters are published on.</summary>
    public const string MeterName = "Ifm.FirmwareBridge";

    internal long FramesOk;
    internal long FramesSent;
    internal long CrcErrors;
    internal long FramingErrors;
    internal long Resyncs;
    internal long Gaps;
    internal long Retransmits;
    internal long Reconnects;
    internal long LinkLosses;
    internal long PeerRestarts;
    internal long Naks;
    internal long SensorSamples;

    private readonly Meter _meter;

    internal BridgeCounters(string port)
    {
        _meter = new Meter(MeterName, "1.0");
        var tags = new KeyValuePair<string, object?>[] { new("port", port) };
        Add("ifm.bridge.frames_ok", () => FramesOkCount, "Valid frames received");
        Add("ifm.bridge.frames_sent", () => Volatile.Read(ref FramesSent), "Frames sent");
        Add("ifm.bridge.crc_errors", () => CrcErrorCount, "Frames dropped for a CRC mismatch");
        Add("ifm.bridge.framing_errors", () => Volatile.Read(ref FramingErrors), "Frames dropped for bad COBS, length or version");
        Add("ifm.bridge.resyncs", () => ResyncCount, "Good frames accepted right after discarded input");
        Add("ifm.bridge.gaps", () => GapCount, "Frames lost according to sequence numbers");
        Add("ifm.bridge.retransmits", () => RetransmitCount, "Commands sent again for lack of an ACK");
        Add("ifm.bridge.reconnects", () => ReconnectCount, "Times the link came back after a loss");
        Add("ifm.bridge.link_losses", () => LinkLossCount, "Times the link was declared lost");
        Add("ifm.bridge.peer_restarts", () => PeerRestartCount, "MCU restarts seen (new boot id)");
        Add("ifm.bridge.naks", () => Volatile.Read(ref Naks), "Commands rejected by the MCU");

        void Add(string name, Func<long> read, string description) =>
            _meter.CreateObservableCounter(name, () => new Measurement<long>(read(), tags), unit: "{frame}", description: description);
    }

    public long FramesOkCount => Volatile.Read(ref FramesOk);
    public long FramesSentCount => Volatile.Read(ref FramesSent);
    public long CrcErrorCount => Volatile.Read(ref CrcErrors);
    public long FramingErrorCount => Volatile.Read(ref FramingErrors);
    public long ResyncCount => Volatile.Read(ref Resyncs);
    public long GapCount => Volatile.Read(ref Gaps);
    public long RetransmitCount => Volatile.Read(ref Retransmits);
    public long ReconnectCount => Volatile.Read(ref Reconnects);
    public long LinkLossCount => Volatile.Read(ref LinkLosses);
    public long PeerRestartCount => Volatile.Read(ref PeerRestarts);
    public long NakCount => Volatile.Read(ref Naks);
    public long SensorSampleCount => Volatile.Read(ref SensorSamples);

    public override string ToString() =>
        $"ok={FramesOkCount} sent={FramesSentCount} samples={SensorSampleCount} crc={CrcErrorCount} framing={FramingErrorCount} " +
        $"resyncs={ResyncCount} gaps={GapCount} retransmits={RetransmitCount} naks={NakCount} " +
        $"losses={LinkLossCount} reconnects={ReconnectCount} peer_restarts={PeerRestartCount}";

    public void Dispose() => _meter.Dispose();
}
