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
