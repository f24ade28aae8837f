using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ifm.Native.Abi;

/// <summary>
/// NUL-terminated UTF-8 strings handed to C. UTF-8 literals live in the image's read-only data, so their addresses
/// are fixed for the life of the process and C may keep the pointers.
/// </summary>
internal static unsafe class Literals
{
    public static byte* Empty => Address("\0"u8);

    public static byte* Version => Address("0.1.0\0"u8);

    public static byte* StatusName(int status) => status switch
    {
        Status.Ok => Address("IFM_OK: success\0"u8),
        Status.NullPointer => Address("IFM_ERR_NULL_POINTER: a required pointer argument is NULL\0"u8),
        Status.InvalidArgument => Address("IFM_ERR_INVALID_ARGUMENT: an argument is out of range or malformed\0"u8),
        Status.SizeMismatch => Address("IFM_ERR_SIZE_MISMATCH: a buffer length does not match the model\0"u8),
        Status.InvalidHandle => Address("IFM_ERR_INVALID_HANDLE: the handle is closed, of the wrong kind or not a handle\0"u8),
        Status.ModelFormat => Address("IFM_ERR_MODEL_FORMAT: the model file or buffer is malformed or unsupported\0"u8),
        Status.Io => Address("IFM_ERR_IO: a file could not be read or written\0"u8),
        Status.Checkpoint => Address("IFM_ERR_CHECKPOINT: the checkpoint is corrupt, torn or of another model\0"u8),
        Status.OutOfMemory => Address("IFM_ERR_OUT_OF_MEMORY: not enough memory\0"u8),
        Status.Internal => Address("IFM_ERR_INTERNAL: unexpected internal error\0"u8),
        Status.Configuration => Address("IFM_ERR_CONFIGURATION: an option or configuration value is invalid\0"u8),
        Status.Backend => Address("IFM_ERR_BACKEND: the backend cannot run here, or its device failed\0"u8),
        Status.DeviceMap => Address("IFM_ERR_DEVICE_MAP: the device map is malformed or does not fit the model\0"u8),
        Status.DeviceFault => Address("IFM_ERR_DEVICE_FAULT: a sensor or actuator failed\0"u8),
        Status.Link => Address("IFM_ERR_LINK: the link to a microcontroller failed or was lost\0"u8),
        Status.DataFormat => Address("IFM_ERR_DATA_FORMAT: a recorded data file is malformed\0"u8),
        Status.Cancelled => Address("IFM_ERR_CANCELLED: the operation was cancelled\0"u8),
        Status.NonFinite => Address("IFM_ERR_NON_FINITE: a network output or learned state became NaN or infinite\0"u8),
        _ => Address("unknown status\0"u8),
    };

    private static byte* Address(ReadOnlySpan<byte> literal) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(literal));
}
