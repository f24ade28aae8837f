using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ifm.Runtime.OpenCL.Interop;

/// <summary>Turns OpenCL status codes into exceptions with the code's name (OpenCL 3.0 spec, Appendix "Error Codes").</summary>
internal static class ClStatus
{
    public static void Check(int status, string call)
    {
        if (status != 0) Throw(status, call);
    }

    [DoesNotReturn]
    public static void Throw(int status, string call) =>
        throw new OpenClException($"OpenCL {call} failed: {Name(status)} ({status.ToString(CultureInfo.InvariantCulture)})") { Status = status };

    public static string Name(int status) => status switch
    {
        0 => "CL_SUCCESS",
        -1 => "CL_DEVICE_NOT_FOUND",
        -2 => "CL_DEVICE_NOT_AVAILABLE",
        -3 => "CL_COMPILER_NOT_AVAILABLE",
        -4 => "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5 => "CL_OUT_OF_RESOURCES",
        -6 => "CL_OUT_OF_HOST_MEMORY",
        -11 => "CL_BUILD_PROGRAM_FAILURE",
        -30 => "CL_INVALID_VALUE",
        -33 => "CL_INVALID_DEVICE",
        -34 => "CL_INVALID_CONTEXT",
        -36 => "CL_INVALID_COMMAND_QUEUE",
        -38 => "CL_INVALID_MEM_OBJECT",
        -44 => "CL_INVALID_PROGRAM",
        -45 => "CL_INVALID_PROGRAM_EXECUTABLE",
        -46 => "CL_INVALID_KERNEL_NAME",
        -48 => "CL_INVALID_KERNEL",
        -49 => "CL_INVALID_ARG_INDEX",
        -50 => "CL_INVALID_ARG_VALUE",
        -51 => "CL_INVALID_ARG_SIZE",
        -52 => "CL_INVALID_KERNEL_ARGS",
        -54 => "CL_INVALID_WORK_GROUP_SIZE",
        -61 => "CL_INVALID_BUFFER_SIZE",
        -1001 => "CL_PLATFORM_NOT_FOUND_KHR (no OpenCL driver is installed)",
        _ => "OpenCL error",
    };
}
