namespace Ifm.FirmwareBridge.Link;

/// <summary>State of the host's view of the link.</summary>
public enum LinkState
{
    /// <summary>No port open (never opened, or gone: reconnecting).</summary>
    Disconnected,
    /// <summary>Port open, waiting for the MCU's HELLO.</summary>
    Connecting,
    /// <summary>HELLO received and frames arriving within the link timeout.</summary>
    Up,
    /// <summary>Port open but the MCU went silent; HELLO is requested until it answers.</summary>
    Lost,
}

/// <summary>Details of a link state change.</summary>
public sealed class LinkEventArgs(LinkState state, string reason) : EventArgs
{
    public LinkState State { get; } = state;

    public string Reason { get; } = reason;
}

/// <summary>Outcome of <see cref="BridgeClient.ConfirmSafeState"/>.</summary>
public enum SafeStateConfirmation
{
    /// <summary>The MCU acknowledged an ACTUATE carrying the safe values.</summary>
    Acknowledged,
    /// <summary>The link is not up: the MCU's heartbeat watchdog applies its own safe values.</summary>
    LinkDown,
    /// <summary>A channel is not commanded to its safe value.</summary>
    NotCommanded,
    /// <summary>The MCU rejected the ACTUATE (NAK).</summary>
    Rejected,
    /// <summary>No answer within the timeout.</summary>
    TimedOut,
}
