namespace Ifm.Core;

/// <summary>
/// What kind of failure an <see cref="IfmException"/> is. The numbers are the C ABI's <c>ifm_status</c> values
/// (<c>native/include/ifm.h</c>; a test checks the two agree): adding a kind is a value here and its line in ifm.h.
/// The CLI maps a code to its exit code (<see cref="IfmErrors.ExitCode"/>), the C ABI returns it as the status.
/// </summary>
public enum IfmErrorCode
{
    /// <summary>An argument is out of range or malformed (<c>IFM_ERR_INVALID_ARGUMENT</c>).</summary>
    InvalidArgument = 2,

    /// <summary>A model file or buffer is malformed, truncated, inconsistent or of an unsupported version (<c>IFM_ERR_MODEL_FORMAT</c>).</summary>
    ModelFormat = 5,

    /// <summary>A file does not exist or cannot be read or written (<c>IFM_ERR_IO</c>).</summary>
    Io = 6,

    /// <summary>A checkpoint is torn or corrupt, of an unknown version, or of another model (<c>IFM_ERR_CHECKPOINT</c>).</summary>
    Checkpoint = 7,

    /// <summary>Not enough memory (<c>IFM_ERR_OUT_OF_MEMORY</c>).</summary>
    OutOfMemory = 8,

    /// <summary>An unexpected internal failure: a bug (<c>IFM_ERR_INTERNAL</c>).</summary>
    Internal = 9,

    /// <summary>A run configuration or option value is invalid (<c>IFM_ERR_CONFIGURATION</c>).</summary>
    Configuration = 10,

    /// <summary>The backend asked for is unknown or not usable here, or its device failed (<c>IFM_ERR_BACKEND</c>).</summary>
    Backend = 11,

    /// <summary>A device map cannot be parsed or does not fit the model (<c>IFM_ERR_DEVICE_MAP</c>).</summary>
    DeviceMap = 12,

    /// <summary>A sensor or actuator failed when opened or at run time (<c>IFM_ERR_DEVICE_FAULT</c>).</summary>
    DeviceFault = 13,

    /// <summary>A link to a microcontroller (the firmware bridge) failed or was lost (<c>IFM_ERR_LINK</c>).</summary>
    Link = 14,

    /// <summary>A recorded data file (tick tables, CSV) is malformed (<c>IFM_ERR_DATA_FORMAT</c>).</summary>
    DataFormat = 15,

    /// <summary>The operation was cancelled (Ctrl-C, SIGTERM) before it finished (<c>IFM_ERR_CANCELLED</c>).</summary>
    Cancelled = 16,

    /// <summary>A network output or learned state became NaN or infinite: the state diverged (<c>IFM_ERR_NON_FINITE</c>).</summary>
    NonFinite = 17,
}
