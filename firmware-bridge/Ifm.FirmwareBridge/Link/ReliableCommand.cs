using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Link;

/// <summary>What <see cref="ReliableCommand.Poll"/> asks its owner to do.</summary>
internal enum RetransmitAction
{
    /// <summary>Nothing in flight, or still within the retransmission timeout.</summary>
    Wait,

    /// <summary>Write <see cref="ReliableCommand.Payload"/> again with the same <see cref="ReliableCommand.Sequence"/>.</summary>
    Retransmit,

    /// <summary>The command was sent the allowed number of times without an ACK and is dropped.</summary>
    GiveUp,
}

/// <summary>
/// One acknowledged command on the wire (PROTOCOL.md §3, §6): send, await the ACK or NAK that names its sequence
/// number, retransmit the same frame (same seq) after a timeout, give up after a number of retransmissions.
/// ACTUATE uses it with no limit (the newest command is retransmitted until acknowledged or superseded), CONFIG with
/// <see cref="BridgeOptions.MaxConfigRetries"/>.
/// </summary>
/// <remarks>
/// It owns no lock, clock or stream: the owner passes the time in stopwatch ticks, writes the frames, and serialises
/// every call (the bridge client holds its transmit lock). A tag travels with the command (the client puts the
/// version of the actuator commands an ACTUATE carries there) and comes back with its acknowledgement.
/// </remarks>
internal sealed class ReliableCommand
{
    /// <summary><see cref="ReliableCommand"/>'s retry limit for a command that is never given up.</summary>
    public const int Unlimited = -1;

    private readonly byte[] _payload = new byte[ProtocolConstants.MaxPayload];
    private readonly long _timeoutTicks;
    private readonly int _maxRetries;
    private int _length;
    private long _sentTicks;

    /// <param name="timeoutTicks">Time without an ACK after which the command is sent again.</param>
    /// <param name="maxRetries">Retransmissions before giving up, or <see cref="Unlimited"/>.</param>
    public ReliableCommand(long timeoutTicks, int maxRetries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeoutTicks);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetries, Unlimited);
        _timeoutTicks = timeoutTicks;
        _maxRetries = maxRetries;
    }

    /// <summary>Whether a command awaits its ACK.</summary>
    public bool InFlight { get; private set; }

    /// <summary>Sequence number of the command in flight (or of the last one).</summary>
    public ushort Sequence { get; private set; }

    public MessageType Type { get; private set; }

    /// <summary>The owner's tag of the command in flight (or of the last one).</summary>
    public long Tag { get; private set; }

    /// <summary>Retransmissions of the command in flight so far.</summary>
    public int Retries { get; private set; }

    /// <summary>The payload to (re)send.</summary>
    public ReadOnlySpan<byte> Payload => _payload.AsSpan(0, _length);

    /// <summary>
    /// Starts a new command, superseding the one in flight (whose late ACK no longer matches). The owner writes the
    /// frame (<see cref="Type"/>, <paramref name="sequence"/>, <see cref="Payload"/>) right after this call.
    /// </summary>
    public void Start(MessageType type, ushort sequence, ReadOnlySpan<byte> payload, long nowTicks, long tag = 0)
    {
        if (sequence == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), "sequence 0 is never used (PROTOCOL.md §2)");
        }

        payload.CopyTo(_payload);
        _length = payload.Length;
        Type = type;
        Sequence = sequence;
        Tag = tag;
        Retries = 0;
        _sentTicks = nowTicks;
        InFlight = true;
    }

    /// <summary>Says whether the command in flight is due again or given up at <paramref name="nowTicks"/>.</summary>
    /// <remarks><see cref="RetransmitAction.Retransmit"/> restarts the timeout and counts a retry;
    /// <see cref="RetransmitAction.GiveUp"/> leaves nothing in flight.</remarks>
    public RetransmitAction Poll(long nowTicks)
    {
        if (!InFlight || nowTicks - _sentTicks < _timeoutTicks)
        {
            return RetransmitAction.Wait;
        }

        if (_maxRetries != Unlimited && Retries >= _maxRetries)
        {
            InFlight = false;
            return RetransmitAction.GiveUp;
        }

        Retries++;
        _sentTicks = nowTicks;
        return RetransmitAction.Retransmit;
    }

    /// <summary>An ACK or NAK arrived naming <paramref name="ack"/>.</summary>
    /// <returns>Whether it settled the command in flight (then nothing is in flight any more).</returns>
    public bool Acknowledge(ushort ack)
    {
        if (!InFlight || ack == 0 || ack != Sequence)
        {
            return false;
        }

        InFlight = false;
        return true;
    }

    /// <summary>Forgets the command in flight (the link went down: nothing will answer it).</summary>
    public void Cancel() => InFlight = false;
}
