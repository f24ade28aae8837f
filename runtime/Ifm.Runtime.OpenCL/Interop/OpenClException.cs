namespace Ifm.Runtime.OpenCL.Interop;

/// <summary>An OpenCL call failed, or OpenCL is not usable on this machine (no loader library, no platform, no device).</summary>
public sealed class OpenClException : Exception
{
    public OpenClException(string message) : base(message) { }

    public OpenClException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The OpenCL status code (0 when the failure is not an OpenCL status, e.g. a missing library).</summary>
    public int Status { get; init; }
}
