namespace Ifm.Core;

/// <summary>
/// What kind of failure an <see cref="IfmException"/> is, and the one source of the C ABI's <c>ifm_status</c> values:
/// <c>native/include/ifm.h</c>'s status list and the library's status table and <c>ifm_status_string</c> texts
/// (<c>native/Ifm.Native/Abi/Status.g.cs</c>) are generated from this enum and its <see cref="StatusAttribute"/>s
/// (<c>scripts/generate-status.sh</c>; a test fails while the checked-in files differ from the generated ones).
/// Adding an error kind is a value here, then the script. The CLI maps a code to its exit code
/// (<see cref="IfmErrors.ExitCode"/>), the C ABI returns it as the status.
/// </summary>
public enum IfmErrorCode
{
    /// <summary>A required pointer is NULL: only the C ABI reports it (<c>IFM_ERR_NULL_POINTER</c>).</summary>
    [Status("A required pointer argument is NULL (also a NULL handle where one is needed).", "a required pointer argument is NULL")]
    NullPointer = 1,

    /// <summary>An argument is out of range or malformed (<c>IFM_ERR_INVALID_ARGUMENT</c>).</summary>
    [Status("An argument is out of range or malformed (channel index, flag, NaN, unknown group, text too long).", "an argument is out of range or malformed")]
    InvalidArgument = 2,

    /// <summary>A buffer's length does not match the model: only the C ABI reports it (<c>IFM_ERR_SIZE_MISMATCH</c>).</summary>
    [Status("A buffer length does not match the model (wrong input/error count, output or text buffer too small).", "a buffer length does not match the model")]
    SizeMismatch = 3,

    /// <summary>A handle is closed or not a handle: only the C ABI reports it (<c>IFM_ERR_INVALID_HANDLE</c>).</summary>
    [Status("The handle is closed, of the other kind, or was never returned by the library.", "the handle is closed, of the wrong kind or not a handle")]
    InvalidHandle = 4,

    /// <summary>A model file or buffer is malformed, truncated, inconsistent or of an unsupported version (<c>IFM_ERR_MODEL_FORMAT</c>).</summary>
    [Status("The model file or buffer is malformed, truncated, inconsistent or of an unsupported version.", "the model file or buffer is malformed or unsupported")]
    ModelFormat = 5,

    /// <summary>A file does not exist or cannot be read or written (<c>IFM_ERR_IO</c>).</summary>
    [Status("A file does not exist or cannot be read or written.", "a file could not be read or written")]
    Io = 6,

    /// <summary>A checkpoint is torn or corrupt, of an unknown version, or of another model (<c>IFM_ERR_CHECKPOINT</c>).</summary>
    [Status("The checkpoint is torn or corrupt, of an unknown version, or of another model.", "the checkpoint is corrupt, torn or of another model")]
    Checkpoint = 7,

    /// <summary>Not enough memory (<c>IFM_ERR_OUT_OF_MEMORY</c>).</summary>
    [Status("Not enough memory (or too many open handles).", "not enough memory")]
    OutOfMemory = 8,

    /// <summary>An unexpected internal failure: a bug (<c>IFM_ERR_INTERNAL</c>).</summary>
    [Status("An unexpected internal failure; the message says what.", "unexpected internal error")]
    Internal = 9,

    /// <summary>A run configuration or option value is invalid (<c>IFM_ERR_CONFIGURATION</c>).</summary>
    [Status("An option or configuration value is invalid (e.g. an unknown backend name).", "an option or configuration value is invalid", Since = "1.1")]
    Configuration = 10,

    /// <summary>The backend asked for is unknown or not usable here, or its device failed (<c>IFM_ERR_BACKEND</c>).</summary>
    [Status("The backend asked for cannot run here (no OpenCL driver or device), or its device failed.", "the backend cannot run here, or its device failed", Since = "1.1")]
    Backend = 11,

    /// <summary>A device map cannot be parsed or does not fit the model (<c>IFM_ERR_DEVICE_MAP</c>).</summary>
    [Status("A device map cannot be parsed or does not fit the model.", "the device map is malformed or does not fit the model", Since = "1.1")]
    DeviceMap = 12,

    /// <summary>A sensor or actuator failed when opened or at run time (<c>IFM_ERR_DEVICE_FAULT</c>).</summary>
    [Status("A sensor or actuator failed.", "a sensor or actuator failed", Since = "1.1")]
    DeviceFault = 13,

    /// <summary>A link to a microcontroller (the firmware bridge) failed or was lost (<c>IFM_ERR_LINK</c>).</summary>
    [Status("A link to a microcontroller failed or was lost.", "the link to a microcontroller failed or was lost", Since = "1.1")]
    Link = 14,

    /// <summary>A recorded data file (tick tables, CSV) is malformed (<c>IFM_ERR_DATA_FORMAT</c>).</summary>
    [Status("A recorded data file is malformed.", "a recorded data file is malformed", Since = "1.1")]
    DataFormat = 15,

    /// <summary>The operation was cancelled (Ctrl-C, SIGTERM) before it finished (<c>IFM_ERR_CANCELLED</c>).</summary>
    [Status("The operation was cancelled before it finished.", "the operation was cancelled", Since = "1.1")]
    Cancelled = 16,

    /// <summary>A network output or learned state became NaN or infinite: the state diverged (<c>IFM_ERR_NON_FINITE</c>).</summary>
    [Status("A network output or learned state became NaN or infinite (the state diverged).", "a network output or learned state became NaN or infinite", Since = "1.1")]
    NonFinite = 17,
}

/// <summary>
/// How an <see cref="IfmErrorCode"/> appears in the C ABI: <see cref="Meaning"/> is its comment in ifm.h,
/// <see cref="Summary"/> what <c>ifm_status_string</c> says after the name, <see cref="Since"/> the ABI version that
/// added it (null: 1.0). The C name is <c>IFM_ERR_</c> + the value's name in upper snake case.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class StatusAttribute(string meaning, string summary) : Attribute
{
    public string Meaning { get; } = meaning;

    public string Summary { get; } = summary;

    public string? Since { get; init; }
}
