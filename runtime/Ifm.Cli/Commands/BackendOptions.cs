using System.CommandLine;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Interop;
using Ifm.Runtime.OpenCL.Selection;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>--backend cpu|opencl|auto</c> and <c>--opencl-device</c>, shared by the commands that run a model. The choice and
/// its reason (auto's measurements, or why OpenCL was not usable) go to stderr so JSON output stays clean.
/// </summary>
internal sealed class BackendOptions
{
    public Option<string> Backend { get; } = CreateBackend();

    public Option<string> Device { get; } = new("--opencl-device")
    {
        Description = "OpenCL device: 'platform:device' indices (see 'ifm devices') or part of its name. Default: the first GPU, else the first device.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Backend);
        command.Options.Add(Device);
    }

    /// <summary>Creates the session; <c>opencl</c> without a usable device is a one-line error.</summary>
    public BackendChoice CreateSession(ParseResult r, IfmModel model, SessionOptions? cpuOptions = null, Action<INetworkSession>? configure = null)
    {
        var backend = SessionFactory.ParseBackend(r.GetValue(Backend)!);
        BackendChoice choice;
        try
        {
            choice = SessionFactory.Create(model, backend, r.GetValue(Device), cpuOptions, configure);
        }
        catch (OpenClException e)
        {
            throw new CliException($"OpenCL backend not available: {e.Message}");
        }

        if (choice.Reason is not null) Console.Error.WriteLine($"ifm: backend {choice.Backend}: {choice.Reason}");
        return choice;
    }

    private static Option<string> CreateBackend()
    {
        var o = new Option<string>("--backend")
        {
            Description = "Where ticks run: cpu, opencl, or auto (measure both on this model, keep the faster; cpu when OpenCL is unusable).",
            DefaultValueFactory = _ => "cpu",
        };
        o.AcceptOnlyFromAmong("cpu", "opencl", "auto");
        return o;
    }
}
