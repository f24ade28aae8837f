namespace Ifm.Native.Abi;

/// <summary>The status codes of the C ABI; the values are part of the ABI (see <c>ifm.h</c>) and never change.</summary>
internal static class Status
{
    public const int Ok = 0;
    public const int NullPointer = 1;
    public const int InvalidArgument = 2;
    public const int SizeMismatch = 3;
    public const int InvalidHandle = 4;
    public const int ModelFormat = 5;
    public const int Io = 6;
    public const int Checkpoint = 7;
    public const int OutOfMemory = 8;
    public const int Internal = 9;

    // 10 and up: the runtime's other IfmErrorCode values (a test checks ifm.h, this and IfmErrorCode agree).
    public const int Configuration = 10;
    public const int Backend = 11;
    public const int DeviceMap = 12;
    public const int DeviceFault = 13;
    public const int Link = 14;
    public const int DataFormat = 15;
    public const int Cancelled = 16;
    public const int NonFinite = 17;

    /// <summary>One past the largest code; <c>ifm_status_string</c> answers "unknown status" from here on.</summary>
    public const int Count = 18;
}
