using System.Runtime.InteropServices;
using Ifm.Native.Abi;

namespace Ifm.Native.Exports;

/// <summary>Online learning control: <c>ifm_plasticity_*</c> (allocation-free except the group switch, which reads a name; safe to call every period).</summary>
internal static unsafe class PlasticityExports
{
    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_set_enabled")]
    public static int SetEnabled(nint session, int enabled)
    {
        const string F = "ifm_plasticity_set_enabled";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            if (enabled is not (0 or 1)) return Errors.Fail(F, Status.InvalidArgument, $"'enabled' is {enabled}: use 1 (learn) or 0 (freeze)");
            s.Session.Plasticity.Enabled = enabled == 1;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_get_enabled")]
    public static int GetEnabled(nint session, int* enabled)
    {
        const string F = "ifm_plasticity_get_enabled";
        try
        {
            if (enabled == null) return Errors.NullPointer(F, "out_enabled");
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            *enabled = s.Session.Plasticity.Enabled ? 1 : 0;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_set_group_enabled")]
    public static int SetGroupEnabled(nint session, byte* group, int enabled)
    {
        const string F = "ifm_plasticity_set_group_enabled";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            if (group == null) return Errors.NullPointer(F, "group");
            if (enabled is not (0 or 1)) return Errors.Fail(F, Status.InvalidArgument, $"'enabled' is {enabled}: use 1 (learn) or 0 (freeze)");
            var name = Utf8Text.Read(group);
            if (name is null) return Errors.Fail(F, Status.InvalidArgument, $"'group' is longer than {Utf8Text.MaxInputBytes} bytes or not NUL-terminated");
            int index = s.Session.Plasticity.FindGroup(name);
            if (index < 0) return Errors.Fail(F, Status.InvalidArgument, $"the model has no edge group '{name}'");
            s.Session.Plasticity.SetGroupEnabled(index, enabled == 1);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_set_rate_scale")]
    public static int SetRateScale(nint session, float scale)
    {
        const string F = "ifm_plasticity_set_rate_scale";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            if (!float.IsFinite(scale) || scale < 0) return Errors.Fail(F, Status.InvalidArgument, $"'scale' is {scale}: it must be finite and >= 0");
            s.Session.Plasticity.LearningRateScale = scale;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_set_modulator")]
    public static int SetModulator(nint session, float value)
    {
        const string F = "ifm_plasticity_set_modulator";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            if (!float.IsFinite(value)) return Errors.Fail(F, Status.InvalidArgument, $"'value' is {value}: the modulator must be finite");
            s.Session.Plasticity.SetModulator(value);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_set_errors")]
    public static int SetErrors(nint session, float* errors, nuint count)
    {
        const string F = "ifm_plasticity_set_errors";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            int expected = s.Model.OutputCount;
            if (count != (nuint)expected) return Errors.Fail(F, Status.SizeMismatch, $"'count' is {count}, the model has {expected} outputs");
            if (errors == null && count != 0) return Errors.NullPointer(F, "errors");
            var span = new ReadOnlySpan<float>(errors, expected);
            for (int i = 0; i < span.Length; i++)
            {
                if (!float.IsFinite(span[i])) return Errors.Fail(F, Status.InvalidArgument, $"errors[{i}] is {span[i]}: errors must be finite");
            }

            s.Session.Plasticity.SetErrors(span);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_guard")]
    public static int Guard(nint session, int* tripped)
    {
        const string F = "ifm_plasticity_guard";
        try
        {
            if (tripped == null) return Errors.NullPointer(F, "out_tripped");
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            *tripped = s.Session.Plasticity.GuardTripped ? 1 : 0;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_plasticity_clear_guard")]
    public static int ClearGuard(nint session)
    {
        const string F = "ifm_plasticity_clear_guard";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return SessionExports.Invalid(F, session);
            s.Session.Plasticity.ClearGuard();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }
}
