using System.CommandLine;
using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm demo</c>: Pavlov's classical conditioning from the paper, learned online by plasticity, on an embedded
/// network (no file needed). Neurons F (sees food), R (hears the bell) and S (salivates).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var pairings = new Option<int>("--pairings") { Description = "Food+bell trials in the training stage.", DefaultValueFactory = _ => 6 }.Positive();
        var cmd = new Command("demo", "Pavlov's classical conditioning (food F, bell R, salivation S), learned online by the embedded network.") { pairings };
        cmd.SetAction(r =>
        {
            Pavlov.Run(Console.Out, r.GetValue(pairings));
            return 0;
        });
        return cmd;
    }
}

/// <summary>The embedded Pavlov network and its stages (initial, training, testing, extinction by unpaired bells).</summary>
internal static class Pavlov
{
    public const int TicksPerTrial = 10;
    public const int RestTicks = 10;

    /// <summary>
    /// F → S is innate (strong static weight); R → S starts at w = 0 and carries a differentiable Hebbian trace
    /// (w_eff = w + α·H, H ← (1 − η)·H + η·y_R(t−1)·y_S(t)), so pairing the bell with food strengthens it.
    /// </summary>
    public static IfmModel CreateModel()
    {
        var b = new ModelBuilder { Name = "pavlov-demo" };
        int f = b.AddPopulation("F", NeuronKind.Ifm, NeuronRole.Input, 1, labels: ["food"]);
        int r = b.AddPopulation("R", NeuronKind.Ifm, NeuronRole.Input, 1, labels: ["bell"]);
        int s = b.AddPopulation("S", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]), ["salivation"]);
        b.AddEdgeGroup("innate");
        int conditioning = b.AddEdgeGroup("conditioning", new HebbianTraceRule(eta: 0.02f, clip: true, wMin: -4f, wMax: 4f));
        b.AddEdge(f, s, 3f);
        b.AddEdge(r, s, 0f, conditioning, alpha: 3f);
        return b.Build();
    }

    /// <summary>Runs one trial (stimuli for <see cref="TicksPerTrial"/> ticks, then rest) and returns S's peak output.</summary>
    public static float Trial(CpuSession session, float food, float bell)
    {
        Span<float> y = stackalloc float[1];
        float peak = -1;
        session.SetInputs([food, bell]);
        for (int t = 0; t < TicksPerTrial; t++)
        {
            session.Step();
            session.ReadOutputs(y);
            peak = Math.Max(peak, y[0]);
        }

        session.SetInputs([0, 0]);
        session.Step(RestTicks);
        return peak;
    }

    public static float BellWeight(CpuSession session)
    {
        var m = session.Model;
        return session.Weights[m.FindEdge(m.InputNeurons[1], m.OutputNeurons[0])];
    }

    public static void Run(TextWriter o, int pairings)
    {
        var c = CultureInfo.InvariantCulture;
        using var session = new CpuSession(CreateModel());
        o.WriteLine("Pavlov's conditioning, learned online: F sees food, R hears the bell, S salivates (active when S > 0.5).");
        o.WriteLine("R→S is plastic (Hebbian trace); F→S is innate. Each trial: 10 ticks of stimulus, 10 ticks of rest.");
        o.WriteLine();
        o.WriteLine("stage        trial  food  bell   S (peak)  salivates  R→S weight");
        void Row(string stage, int n, float food, float bell)
        {
            float s = Trial(session, food, bell);
            o.WriteLine(string.Create(c, $"{stage,-12} {n,5}  {food,4:0}  {bell,4:0}   {s,8:0.000}  {(s > 0.5 ? "yes" : "no"),-9}  {BellWeight(session),10:0.000}"));
        }

        Row("initial", 1, 1, 0);
        Row("initial", 2, 0, 1);
        for (int i = 1; i <= pairings; i++) Row("training", i, 1, 1);
        for (int i = 1; i <= 3; i++) Row("testing", i, 0, 1);
        for (int i = 1; i <= 8; i++) Row("extinction", i, 0, 1);
        o.WriteLine();
        o.WriteLine("Pairing drives the trace toward y_R·y_S ≈ 0.75, so the bell alone makes S salivate. Unpaired bells give a");
        o.WriteLine("smaller product (S responds more weakly than to food), so each one weakens R→S: extinction.");
    }
}
