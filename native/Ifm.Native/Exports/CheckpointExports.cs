using System.Runtime.InteropServices;
using Ifm.Native.Abi;
using Ifm.Runtime.Persistence;

namespace Ifm.Native.Exports;

/// <summary>Learned state on disk: <c>ifm_checkpoint_save/load</c> (crash-safe, verified, tied to the model's id).</summary>
internal static unsafe class CheckpointExports
{
    [UnmanagedCallersOnly(EntryPoint = "ifm_checkpoint_save")]
    public static int Save(nint session, byte* path) => Run("ifm_checkpoint_save", session, path, save: true);

    [UnmanagedCallersOnly(EntryPoint = "ifm_checkpoint_load")]
    public static int Load(nint session, byte* path) => Run("ifm_checkpoint_load", session, path, save: false);

    private static int Run(string f, nint session, byte* path, bool save)
    {
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(f, session);
            if (path == null) return Errors.NullPointer(f, "path");
            var text = Utf8Text.Read(path);
            if (text is null) return Errors.Fail(f, Status.InvalidArgument, $"'path' is longer than {Utf8Text.MaxInputBytes} bytes or not NUL-terminated");
            if (text.Length == 0) return Errors.Fail(f, Status.InvalidArgument, "'path' is empty");
            if (save) Checkpoint.Save(s.Session, text);
            else if (!File.Exists(text)) return Errors.Fail(f, Status.Io, $"{text}: no such file");
            else Checkpoint.Load(s.Session, text);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(f, e);
        }
    }
}
