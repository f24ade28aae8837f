using System.Runtime.InteropServices;
using Ifm.Native.Abi;

namespace Ifm.Native.Exports;

/// <summary>Version and error reporting: <c>ifm_abi_version</c>, <c>ifm_version_string</c>, <c>ifm_status_string</c>, <c>ifm_last_error</c>.</summary>
internal static unsafe class LibraryExports
{
    /// <summary>Major version of the ABI: bumped on any incompatible change (a removed function, a changed signature or meaning).</summary>
    public const uint AbiMajor = 1;

    /// <summary>Minor version: bumped when functions are added.</summary>
    public const uint AbiMinor = 2;

    [UnmanagedCallersOnly(EntryPoint = "ifm_abi_version")]
    public static uint AbiVersion() => (AbiMajor << 16) | AbiMinor;

    [UnmanagedCallersOnly(EntryPoint = "ifm_version_string")]
    public static byte* VersionString() => Literals.Version;

    [UnmanagedCallersOnly(EntryPoint = "ifm_status_string")]
    public static byte* StatusString(int status) => Literals.StatusName(status);

    [UnmanagedCallersOnly(EntryPoint = "ifm_last_error")]
    public static byte* LastErrorMessage() => LastError.Pointer;
}
