using System.Runtime.InteropServices;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Native.Abi;

namespace Ifm.Native.Exports;

/// <summary>
/// Sessions and the per-tick calls: <c>ifm_session_create/destroy</c>, <c>ifm_set_inputs</c>, <c>ifm_step</c>,
/// <c>ifm_get_outputs</c>... The per-tick calls read and write caller-owned buffers and allocate nothing.
/// </summary>
internal static unsafe class SessionExports
{
    [UnmanagedCallersOnly(EntryPoint = "ifm_session_create")]
    public static int Create(nint model, nint* session)
    {
        const string F = "ifm_session_create";
        try
        {
            if (session == null) return Errors.NullPointer(F, "out_session");
            *session = 0;
            var m = HandleTable.Find<IfmModel>(model, HandleTable.ModelKind);
            if (m is null) return model == 0 ? Errors.NullPointer(F, "model") : Errors.ClosedHandle(F, "model", "model");
            *session = HandleTable.Add(new NativeSession(new CpuSession(m)), HandleTable.SessionKind);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    /// <summary>The most threads <c>ifm_session_options.threads</c> accepts.</summary>
    private const int MaxThreads = 256;

    [UnmanagedCallersOnly(EntryPoint = "ifm_session_create_with_options")]
    public static int CreateWithOptions(nint model, SessionOptionsAbi* options, nint* session)
    {
        const string F = "ifm_session_create_with_options";
        try
        {
            if (session == null) return Errors.NullPointer(F, "out_session");
            *session = 0;
            var m = HandleTable.Find<IfmModel>(model, HandleTable.ModelKind);
            if (m is null) return model == 0 ? Errors.NullPointer(F, "model") : Errors.ClosedHandle(F, "model", "model");
            if (options == null)
            {
                *session = HandleTable.Add(new NativeSession(new CpuSession(m)), HandleTable.SessionKind);
                return Status.Ok;
            }

            if (options->StructSize < (uint)SessionOptionsAbi.SizeV11)
            {
                return Errors.Fail(F, Status.InvalidArgument,
                    $"'options->struct_size' is {options->StructSize}, ifm_session_options has {sizeof(SessionOptionsAbi)} bytes: set it to sizeof(ifm_session_options)");
            }

            // A program built against ABI 1.1 passes the struct without threads: read only what it passed.
            SessionOptionsAbi given = SessionOptionsAbi.Read(options);
            options = &given;
            if (options->Threads is < 0 or > MaxThreads) return Errors.Fail(F, Status.InvalidArgument, $"'options->threads' is {options->Threads}: use 0..{MaxThreads} (0 and 1: the calling thread only)");

            if (options->Layout is < 0 or > (int)SynapseLayout.Sparse)
            {
                return Errors.Fail(F, Status.InvalidArgument, $"'options->layout' is {options->Layout}: use IFM_LAYOUT_AUTO (0), IFM_LAYOUT_DENSE (1) or IFM_LAYOUT_SPARSE (2)");
            }

            if (options->PlasticityOff is not (0 or 1)) return Errors.Fail(F, Status.InvalidArgument, $"'options->plasticity_off' is {options->PlasticityOff}: use 0 (learn) or 1 (frozen)");
            string backend = CpuBackend.Instance.Name;
            if (options->Backend != null)
            {
                backend = Utf8Text.Read(options->Backend)!;
                if (backend is null) return Errors.Fail(F, Status.InvalidArgument, $"'options->backend' is longer than {Utf8Text.MaxInputBytes} bytes or not NUL-terminated");
            }

            string? device = null;
            if (options->Device != null)
            {
                device = Utf8Text.Read(options->Device);
                if (device is null) return Errors.Fail(F, Status.InvalidArgument, $"'options->device' is longer than {Utf8Text.MaxInputBytes} bytes or not NUL-terminated");
            }

            bool learn = options->PlasticityOff == 0;
            BackendChoice choice = SessionOptionsAbi.Backends(device).Create(m, backend, new SessionOptions { Layout = (SynapseLayout)options->Layout, Threads = Math.Max(1, options->Threads) },
                s => s.Plasticity.Enabled = learn);
            *session = HandleTable.Add(new NativeSession(choice.Session), HandleTable.SessionKind);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_session_destroy")]
    public static int Destroy(nint session)
    {
        const string F = "ifm_session_destroy";
        try
        {
            if (session == 0) return Status.Ok;
            if (!HandleTable.Remove(session, HandleTable.SessionKind, out var target)) return Errors.ClosedHandle(F, "session", "session");
            ((NativeSession)target!).Session.Dispose();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_set_inputs")]
    public static int SetInputs(nint session, float* values, nuint count)
    {
        const string F = "ifm_set_inputs";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return Invalid(F, session);
            int expected = s.Model.InputCount;
            if (count != (nuint)expected) return Errors.Fail(F, Status.SizeMismatch, $"'count' is {count}, the model has {expected} inputs");
            if (values == null && count != 0) return Errors.NullPointer(F, "values");
            var span = new ReadOnlySpan<float>(values, expected);
            s.Session.SetInputs(span);
            span.CopyTo(s.Inputs);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_set_input")]
    public static int SetInput(nint session, nuint channel, float value)
    {
        const string F = "ifm_set_input";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return Invalid(F, session);
            int count = s.Model.InputCount;
            if (channel >= (nuint)count) return Errors.Fail(F, Status.InvalidArgument, $"'channel' {channel} is out of range (the model has {count} inputs)");
            s.Session.SetInput((int)channel, value);
            s.Inputs[(int)channel] = value;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_step")]
    public static int Step(nint session, uint ticks)
    {
        const string F = "ifm_step";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return Invalid(F, session);
            if (ticks > int.MaxValue) return Errors.Fail(F, Status.InvalidArgument, $"'ticks' {ticks} exceeds {int.MaxValue}");
            s.Step((int)ticks);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_get_outputs")]
    public static int GetOutputs(nint session, float* values, nuint capacity)
    {
        const string F = "ifm_get_outputs";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return Invalid(F, session);
            int count = s.Model.OutputCount;
            if (capacity < (nuint)count) return Errors.Fail(F, Status.SizeMismatch, $"'capacity' is {capacity}, the model has {count} outputs");
            if (values == null && count != 0) return Errors.NullPointer(F, "values");
            s.Session.ReadOutputs(new Span<float>(values, count));
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_get_tick")]
    public static int GetTick(nint session, long* tick)
    {
        const string F = "ifm_get_tick";
        try
        {
            if (tick == null) return Errors.NullPointer(F, "out_tick");
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return Invalid(F, session);
            *tick = s.Session.Tick;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_reset")]
    public static int Reset(nint session)
    {
        const string F = "ifm_reset";
        try
        {
            var s = HandleTable.Find<NativeSession>(session, HandleTable.SessionKind);
            if (s is null) return Invalid(F, session);
            s.Session.Reset();
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    /// <summary>The error for a session handle that did not resolve.</summary>
    internal static int Invalid(string function, nint session) =>
        session == 0 ? Errors.NullPointer(function, "session") : Errors.ClosedHandle(function, "session", "session");
}
