namespace Ifm.Control.Loop;

/// <summary>Why a loop run ended. Every reason ends with the actuators in their safe state.</summary>
public enum StopReason
{
    /// <summary>The requested number of periods (duration) completed.</summary>
    Completed,

    /// <summary>Stop requested (cancellation, SIGINT, SIGTERM).</summary>
    Cancelled,

    /// <summary>An exception in read, encode, step, decode or write.</summary>
    Fault,

    /// <summary>A deadline overrun under <see cref="OverrunPolicy.SafeStop"/>.</summary>
    Overrun,
}
