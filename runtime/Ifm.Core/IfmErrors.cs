namespace Ifm.Core;

/// <summary>
/// The one mapping from an exception to an <see cref="IfmErrorCode"/> and from a code to an exit code, shared by the
/// CLI, the control loop and the C ABI.
/// </summary>
public static class IfmErrors
{
    /// <summary>Exit code of a failed command (<see cref="IfmException"/> of any code but internal).</summary>
    public const int ExitFailed = 1;

    /// <summary>Exit code of bad command-line arguments (the parser's errors).</summary>
    public const int ExitBadArguments = 2;

    /// <summary>Exit code of a bug (<c>EX_SOFTWARE</c> of sysexits.h).</summary>
    public const int ExitInternal = 70;

    /// <summary>
    /// The code of <paramref name="e"/>: an <see cref="IfmException"/>'s own code; the environment's failures that no
    /// code can prevent (a file system error, memory) and a cancellation; <see cref="IfmErrorCode.Internal"/> for
    /// anything else, which is a bug wherever it comes from.
    /// </summary>
    public static IfmErrorCode CodeOf(Exception e) => e switch
    {
        IfmException x => x.Code,
        IOException or UnauthorizedAccessException => IfmErrorCode.Io,
        OutOfMemoryException or InsufficientExecutionStackException => IfmErrorCode.OutOfMemory,
        OperationCanceledException => IfmErrorCode.Cancelled,
        _ => IfmErrorCode.Internal,
    };

    /// <summary>The process exit code for a failure of <paramref name="code"/>: 70 for a bug, else 1.</summary>
    public static int ExitCode(IfmErrorCode code) => code == IfmErrorCode.Internal ? ExitInternal : ExitFailed;
}
