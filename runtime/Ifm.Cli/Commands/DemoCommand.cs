using System.CommandLine;
using System.Globalization;
using Ifm.Engine;
using Ifm.Model;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm demo</c>: Pavlov's classical conditioning from the paper with the embedded network (no file needed).
/// Neurons F (sees food), R (hears the bell) and S (salivates); stages initial, training, testing.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var cmd = new Command("demo", "Pavlov's classical conditioning (food F, bell R, salivation S) on the embedded network.");
        cmd.SetAction(_ =>
        {
            Pavlov.Run(Console.Out);
            return 0;
        });
        return cmd;
    }
}

/// <summary>The embedded Pavlov network and its three-stage protocol.</summary>
internal static class Pavlov
{
    public const int TicksPerTrial = 5;

    /// <summary>F → S is innate (hand-set); R → S is the synapse conditioning changes.</summary>
    public static IfmModel CreateModel(float bellWeight)
    {
        var b = new ModelBuilder { Name = "pavlov" };
        int f = b.AddPopulation("F", NeuronKind.Ifm, NeuronRole.Input, 1, labels: ["food"]);
        int r = b.AddPopulation("R", NeuronKind.Ifm, NeuronRole.Input, 1, labels: ["bell"]);
        int s = b.AddPopulation("S", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]), ["salivation"]);
        b.SetBias(s, -1.5f);
        b.AddEdge(f, s, 3f);
        b.AddEdge(r, s, bellWeight);
        return b.Build();
    }

    public static float Trial(CpuSession session, float food, float bell)
    {
        session.Reset();
        session.SetInputs([food, bell]);
        session.Step(TicksPerTrial);
        Span<float> y = stackalloc float[1];
        session.ReadOutputs(y);
        return y[0];
    }

    public static void Run(TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine("Pavlov's conditioning: F sees food, R hears the bell, S salivates (S active when its output > 0.5).");
        o.WriteLine("This network is hand-set: the 'after conditioning' weight is given, not learned.");
        foreach (var (stage, w) in new[] { ("initial", 0f), ("testing", 3f) })
        {
            using var session = new CpuSession(CreateModel(w));
            o.WriteLine(string.Create(c, $"[{stage}] R→S weight {w:0.00}"));
            o.WriteLine(string.Create(c, $"  food alone  → S = {Trial(session, 1, 0),6:0.000}"));
            o.WriteLine(string.Create(c, $"  bell alone  → S = {Trial(session, 0, 1),6:0.000}"));
        }
    }
}
