using Ifm.Core;

namespace Ifm.Native.Abi;

/// <summary>
/// Turns failures into status codes plus the thread's last-error message, prefixed with the C function's name. Every
/// export catches every exception and ends here: no exception ever crosses into C.
/// </summary>
internal static class Errors
{
    public static int Fail(string function, int status, string message) => LastError.Set(status, $"{function}: {message}");

    public static int NullPointer(string function, string parameter) =>
        Fail(function, Status.NullPointer, $"'{parameter}' is NULL");

    public static int ClosedHandle(string function, string parameter, string kind) =>
        Fail(function, Status.InvalidHandle, $"'{parameter}' is not an open {kind} handle (closed, of another kind, or never returned by libifm)");

    /// <summary>
    /// The status of <paramref name="e"/>: its <see cref="IfmErrorCode"/> (<see cref="IfmErrors.CodeOf"/>, the mapping the
    /// CLI uses too), whose numbers are the ABI's. Anything but an <see cref="IfmException"/> (and the environment's I/O
    /// and memory failures) is a bug: <c>IFM_ERR_INTERNAL</c> with the exception's type in the message.
    /// </summary>
    public static int From(string function, Exception e)
    {
        try
        {
            int status = (int)IfmErrors.CodeOf(e);
            string text = status == Status.Internal ? $"{e.GetType().Name}: {e.Message}" : e.Message;
            return Fail(function, status, text);
        }
        catch
        {
            return Status.Internal;
        }
    }
}
