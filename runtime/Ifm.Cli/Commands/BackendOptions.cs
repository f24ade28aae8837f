using System.CommandLine;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Engine;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>--backend</c> and <c>--opencl-device</c>, shared by the commands that run a model. The choice and its reason
/// (auto's measurements, or why OpenCL was not usable) go to stderr so JSON output stays clean.
/// </summary>
internal sealed class BackendOptions
{
    /// <summary>The backends the <c>ifm</c> tool offers: the CPU engine and OpenCL on <paramref name="openClDevice"/>.</summary>
    public static BackendList Available(string? openClDevice = null) => new(new OpenClBackend(openClDevice));

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
        BackendChoice choice = Available(r.GetValue(Device)).Create(model, r.GetValue(Backend)!, cpuOptions, configure);
        if (choice.Reason is not null) Console.Error.WriteLine($"ifm: backend {choice.Backend}: {choice.Reason}");
        return choice;
    }

    /// <summary><c>--backend</c> accepting the names of <see cref="Available"/>; <paramref name="defaultCpu"/> false leaves it unset (run.json decides).</summary>
    public static Option<string> CreateBackend(bool defaultCpu = true)
    {
        var o = new Option<string>("--backend")
        {
            Description = "Where ticks run: cpu, opencl, or auto (measure both on this model, keep the faster; cpu when OpenCL is unusable).",
        };
        if (defaultCpu) o.DefaultValueFactory = _ => CpuBackend.Instance.Name;
        o.AcceptOnlyFromAmong([.. Available().Names]);
        return o;
    }
}
