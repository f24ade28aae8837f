namespace Ifm.Runtime.OpenCL.Interop;

/// <summary>An OpenCL call failed, or OpenCL is not usable on this machine (no loader library, no platform, no device).</summary>
public sealed class OpenClException : Ifm.Core.IfmException
{
    public OpenClException(string message) : base(Ifm.Core.IfmErrorCode.Backend, message) { }

    public OpenClException(string message, Exception inner) : base(Ifm.Core.IfmErrorCode.Backend, message, inner) { }

    /// <summary>The OpenCL status code (0 when the failure is not an OpenCL status, e.g. a missing library).</summary>
    public int Status { get; init; }
}
