using System.Runtime.CompilerServices;
using Ifm.Hil.Running;

namespace Ifm.Hil.Assertions;

/// <summary><c>channel</c>: a statistic of a sensor channel, an actuator command or a network output over a window or at a point.</summary>
internal sealed class ChannelAssertion : BoundedAssertion
{
    public static readonly string[] Stats = ["mean", "min", "max", "rms", "last"];

    public string Channel { get; init; } = "";
    public string Stat { get; init; } = "mean";

    public override string Describe() => $"{Stat} of {Channel} {Bounds}" + (At is not null ? " (point)" : From is not null || To is not null ? " (window)" : "");

    public override AssertionResult Evaluate(RunRecord run)
    {
        Trace t = run.Trace!;
        if (!t.TryColumn(Channel, out var read)) return new(false, $"no channel '{Channel}'; channels: {string.Join(", ", t.Columns)}", Bounds);
        var (first, end) = Window(run);
        if (end <= first) return new(false, $"no period recorded {WindowText(run)}", Bounds);
        double sum = 0, sq = 0, min = double.PositiveInfinity, max = double.NegativeInfinity, last = 0;
        for (long p = first; p < end; p++)
        {
            double v = read(p);
            sum += v;
            sq += v * v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            last = v;
        }

        long n = end - first;
        double value = Stat switch { "min" => min, "max" => max, "rms" => Math.Sqrt(sq / n), "last" => last, _ => sum / n };
        return Judge(value, $"{Stat} of {Channel} {WindowText(run)}");
    }

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new AssertionKind
    {
        Name = "channel",
        Summary = "a statistic (mean, min, max, rms, last) of a sensor channel, actuator command or output.NAME within bounds",
        Fields = ["channel: \"device.channel\", an actuator, or output.NAME", "stat: mean (default), min, max, rms, last", "min, max: bounds"],
        Read = (f, _) =>
        {
            var a = new ChannelAssertion { Channel = f.String("channel", required: true) ?? "", Stat = f.OneOf("stat", Stats) ?? "mean" };
            ReadBounds(a, f);
            return a;
        },
    });
}
