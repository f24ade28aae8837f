using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Runtime.Persistence;

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

    public static int From(string function, Exception e)
    {
        try
        {
            int status = e switch
            {
                IfmFormatException or ModelValidationException => Status.ModelFormat,
                CheckpointException => Status.Checkpoint,
                OutOfMemoryException or InsufficientExecutionStackException => Status.OutOfMemory,
                IOException or UnauthorizedAccessException => Status.Io,
                ArgumentException => Status.InvalidArgument,
                _ => Status.Internal,
            };
            string text = status == Status.Internal ? $"{e.GetType().Name}: {e.Message}" : e.Message;
            return Fail(function, status, text);
        }
        catch
        {
            return Status.Internal;
        }
    }
}
