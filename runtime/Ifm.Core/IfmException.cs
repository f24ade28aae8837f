namespace Ifm.Core;

/// <summary>
/// The base of every failure IFM Edge reports on purpose: bad input, an unusable backend, a device fault. Its
/// <see cref="Code"/> is all the CLI and the C ABI look at; any other exception that reaches them is a bug
/// (<see cref="IfmErrorCode.Internal"/>). The message is one line naming the problem and where.
/// </summary>
public class IfmException : Exception
{
    public IfmException(IfmErrorCode code, string message) : base(message) => Code = code;

    public IfmException(IfmErrorCode code, string message, Exception? inner) : base(message, inner) => Code = code;

    public IfmErrorCode Code { get; }
}
