using System.Runtime.InteropServices;
using System.Text;
using Ifm.Native.Abi;
using Ifm.Runtime.Learning;

namespace Ifm.Native.Exports;

/// <summary><c>ifm_learning_status</c> of ifm.h (ABI 1.2): the layout is ABI, fields are only appended.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LearningStatusAbi
{
    public uint StructSize;
    public int Bound;
    public float Modulator;
    public float Performance;
    public int Rollbacks;
    public int Frozen;
    public long NonFiniteSignals;
    public long Updates;
}

/// <summary>Learning signals bound from the world: <c>ifm_learning_*</c> (ABI 1.2).</summary>
internal static unsafe class LearningExports
{
    /// <summary>Longest learning object accepted (bytes, without the NUL).</summary>
    public const int MaxJsonBytes = 65536;

    [UnmanagedCallersOnly(EntryPoint = "ifm_learning_configure")]
    public static int Configure(nint session, byte* json)
    {
        const string F = "ifm_learning_configure";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            if (json == null || json[0] == 0)
            {
                s.Learning = null;
                return Status.Ok;
            }

            int length = 0;
            while (length < MaxJsonBytes && json[length] != 0) length++;
            if (length == MaxJsonBytes) return Errors.Fail(F, Status.InvalidArgument, $"'learning_json' is longer than {MaxJsonBytes - 1} bytes or not NUL-terminated");
            string text = Encoding.UTF8.GetString(json, length);
            var spec = LearningSpec.Parse(text, "learning_json");
            s.Learning = LearningController.Create(spec, s.Session, [], "learning_json");
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_learning_get_status")]
    public static int GetStatus(nint session, LearningStatusAbi* status)
    {
        const string F = "ifm_learning_get_status";
        try
        {
            if (status == null) return Errors.NullPointer(F, "out_status");
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            uint size = status->StructSize;
            if (size < (uint)sizeof(LearningStatusAbi))
                return Errors.Fail(F, Status.InvalidArgument, $"'struct_size' is {size}; set it to sizeof(ifm_learning_status) ({sizeof(LearningStatusAbi)} in this library's ABI 1.2)");
            var l = s.Learning;
            *status = new LearningStatusAbi
            {
                StructSize = size,
                Bound = l is null ? 0 : 1,
                Modulator = l?.Modulator ?? 0f,
                Performance = l?.Performance ?? float.NaN,
                Rollbacks = l?.Rollbacks ?? 0,
                Frozen = l?.Frozen == true ? 1 : 0,
                NonFiniteSignals = l?.NonFiniteSignals ?? 0,
                Updates = l?.Updates ?? 0,
            };
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_learning_resume")]
    public static int Resume(nint session)
    {
        const string F = "ifm_learning_resume";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            s.Learning?.Watchdog?.Resume();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }
}
