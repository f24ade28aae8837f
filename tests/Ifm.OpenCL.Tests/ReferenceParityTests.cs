using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Engine;
using Ifm.Runtime.Plasticity;
using Ifm.Training.Network;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// Every neuron kind of the registry (<see cref="NeuronModels.All"/>) and every plasticity rule, on every backend — the
/// CPU engine with the dense and the sparse weight layout, the OpenCL backend (PoCL here) and the trainer's forward
/// pass — against <see cref="ReferenceNetwork"/>, the scalar tick built from the kinds' reference updates. Every
/// neuron's output is compared every tick, states, currents, refractory counters and weights at the end.
/// </summary>
/// <remarks>
/// Spiking kinds run with weights that are multiples of 1/1024 and inputs that are multiples of 1/64: every synaptic
/// sum of 0/1 spikes is then exact in any order, so outputs must be identical (a spike cannot flip); rate kinds
/// compare within 1e-5 of max(|a|, |b|, 1) (summation order and tanh/exp implementations differ by a few ulps).
/// A new kind joins these tests by being in the registry; its parameters come from its specs (<see cref="Parameters"/>).
/// </remarks>
public sealed class ReferenceParityTests
{
    private const int Ticks = 300;

    public static TheoryData<string, string> KindsOnBackends()
    {
        var d = new TheoryData<string, string>();
        foreach (var m in NeuronModels.All)
        {
            foreach (var b in Backends) d.Add(m.Name, b);
        }

        return d;
    }

    public static readonly string[] Backends = ["cpu-dense", "cpu-sparse", "opencl", "trainer"];

    [Theory]
    [MemberData(nameof(KindsOnBackends))]
    public void Every_neuron_kind_matches_the_reference_on_every_backend(string kind, string backend)
    {
        var m = NeuronModels.Find(kind)!;
        var model = Network(m, rule: null);
        long spikes = Compare(model, backend, exact: m.Spiking);
        if (m.Spiking) Assert.True(spikes > 1_000, $"{kind}: only {spikes} spikes in {Ticks} ticks: too quiet to compare spikes");
    }

    public static TheoryData<string, string> RulesOnBackends()
    {
        var d = new TheoryData<string, string>();
        foreach (var r in new[] { "hebbian_trace", "neuromodulated", "oja", "pes", "stdp" })
        {
            foreach (var b in Backends)
            {
                // The trainer differentiates through the Hebbian trace only and runs no other rule.
                if (b != "trainer" || r == "hebbian_trace") d.Add(r, b);
            }
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(RulesOnBackends))]
    public void Every_plasticity_rule_matches_the_reference_on_every_backend(string rule, string backend)
    {
        (PlasticityRule r, NeuronKind kind) = rule switch
        {
            "hebbian_trace" => ((PlasticityRule)new HebbianTraceRule(0.05f, clip: true, wMin: -2f, wMax: 2f), NeuronKind.Ifm),
            "neuromodulated" => (new NeuromodulatedRule(0.02f, new ModulatorSource(ModulatorKind.External), -2f, 2f), NeuronKind.Ifm),
            "oja" => (new OjaRule(0.002f, -1f, 1f), NeuronKind.Ifm),
            "pes" => (new PesRule(0.02f, -2f, 2f), NeuronKind.Ifm),
            _ => (new StdpRule(0.02f, 0.02f, 1f / 256, 1f / 512, -4f, 4f), NeuronKind.Lif),
        };
        var m = NeuronModels.Of(kind);
        var model = Network(m, r is PesRule ? null : r);
        if (r is PesRule)
        {
            // PES learns on the edges into the output neurons only.
            var outputs = model.FindPopulation("out")!;
            model = TestNetworks.WithGroups(model, [new EdgeGroup("static"), new EdgeGroup("readout", r)],
                (pre, post) => post >= outputs.Start && post < outputs.End ? 1 : 0, alpha: 0f);
        }

        // Oja's rule integrates y_post·(y_pre − y_post·w) into w without decay: last-bit differences between any two
        // float implementations (CPU and OpenCL included) grow e-fold every ~35 ticks at η = 0.002 and pass 1e-5
        // after ~190 ticks, so it is compared over 150.
        long spikes = Compare(model, backend, exact: m.Spiking, learning: rule, ticks: r is OjaRule ? 150 : Ticks);
        if (m.Spiking) Assert.True(spikes > 1_000, $"only {spikes} spikes: too quiet to test STDP");
    }

    /// <summary>A 150-neuron random network of one kind with parameters varied per neuron (from the kind's specs).</summary>
    private static IfmModel Network(NeuronModel kind, PlasticityRule? rule)
    {
        var random = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 150, Inputs = 12, Outputs = 3, Connectivity = 0.2, Kind = kind.Kind, Seed = 7, Rule = rule, Alpha = 0.05f });
        bool linear = !kind.Spiking && kind.Kind is not (NeuronKind.Ifm or NeuronKind.Leaky);
        // Rate networks at half the reference gain, a quarter with plasticity: at higher gains they are chaotic and the
        // last-bit differences of any two float implementations grow e-fold within tens of ticks.
        float scale = kind.Spiking ? 1f : linear ? 0.05f : rule is null or HebbianTraceRule ? 0.5f : 0.25f;
        return TestNetworks.Derive(random, weightScale: scale, dyadic: kind.Spiking,
            parameters: p => Parameters(kind, p.Count),
            bias: i => kind.Spiking ? 0.25f + (i % 4) * 0.0625f : (i % 7 - 3) * 0.05f);
    }

    /// <summary>Per-neuron parameters from the kind's specs: time constants spread over 4–13 ms, thresholds above resets.</summary>
    internal static NeuronParameters Parameters(NeuronModel kind, int count)
    {
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var s in kind.ParameterSpecs)
        {
            arrays[s.Name] = [.. Enumerable.Range(0, count).Select(i => s.Name switch
            {
                "tau" => 0.004f + 0.001f * (i % 10),
                "tau_syn" => 0.002f + 0.001f * (i % 5),
                "v_threshold" => 1f,
                "v_reset" => 0f,
                "v_leak" => -0.125f,
                "resistance" => kind.Spiking ? (kind.Kind == NeuronKind.If ? 80f : 4f) : 1f,
                "w_in" => 1f + 0.25f * (i % 3),
                "a" => 0.5f,
                _ => s.Default,
            })];
        }

        return NeuronParameters.Create(arrays, resetMode: kind.Kind == NeuronKind.CubaLif ? LifResetMode.SubtractThreshold : LifResetMode.ToReset,
            refractoryTicks: kind.Spiking ? 1 : 0);
    }

    /// <summary>Runs <paramref name="model"/> on the backend and on the reference; returns the number of spikes seen.</summary>
    private static long Compare(IfmModel model, string backend, bool exact, string? learning = null, int ticks = Ticks)
    {
        var reference = new ReferenceNetwork(model);
        var rng = new Random(11);
        int n = model.NeuronCount;
        var inputs = new float[ticks * model.InputCount];
        for (int t = 0; t < ticks; t += 5)
        {
            for (int c = 0; c < model.InputCount; c++)
            {
                float v = exact ? rng.Next(-64, 129) / 64f : (float)(rng.NextDouble() * 2 - 1);
                for (int u = t; u < Math.Min(ticks, t + 5); u++) inputs[u * model.InputCount + c] = v;
            }
        }

        var actual = new float[n];
        var outputs = new float[model.OutputCount];
        var errors = new float[model.OutputCount];
        long spikes = 0;
        if (backend == "trainer")
        {
            var net = new TrainableNetwork(model);
            var unroller = new Unroller(net, ticks);
            var state = new StreamState(net);
            unroller.Forward(state, inputs, ticks);
            for (int t = 0; t < ticks; t++)
            {
                reference.SetInputs(inputs.AsSpan(t * model.InputCount, model.InputCount));
                reference.Step();
                spikes += Check(reference.Outputs, unroller.Outputs(t + 1), exact, $"trainer, tick {t + 1}");
            }

            Check(reference.States, state.S, exact, "trainer, final states");
            Check(reference.Currents, state.Current, exact, "trainer, final currents");
            Assert.Equal(reference.Refractory, state.Refractory);
            return spikes;
        }

        using INetworkSession session = backend switch
        {
            "cpu-dense" => new CpuSession(model, new SessionOptions { Layout = SynapseLayout.Dense }),
            "cpu-sparse" => new CpuSession(model, new SessionOptions { Layout = SynapseLayout.Sparse }),
            _ => new OpenClSession(model),
        };
        for (int t = 0; t < ticks; t++)
        {
            var x = inputs.AsSpan(t * model.InputCount, model.InputCount);
            reference.SetInputs(x);
            session.SetInputs(x);
            if (learning == "neuromodulated")
            {
                float mod = ((t / 5 * 7919) % 201 - 100) / 100f;
                reference.SetModulator(mod);
                session.Plasticity.SetModulator(mod);
            }
            else if (learning == "pes")
            {
                session.ReadOutputs(outputs);
                for (int c = 0; c < errors.Length; c++) errors[c] = outputs[c] - 0.5f * MathF.Sin(t * 0.02f + c);
                reference.SetErrors(errors);
                session.Plasticity.SetErrors(errors);
            }

            reference.Step();
            session.Step();
            var y = session is CpuSession cpu ? cpu.NeuronOutputs.ToArray() : ((OpenClSession)session).ReadNeuronOutputs();
            spikes += Check(reference.Outputs, y, exact, $"{backend}, tick {t + 1}");
        }

        // With learning, weights stop being multiples of 1/1024: spikes must still be identical, membranes agree within rounding.
        var snapshot = session.Snapshot();
        bool exactStates = exact && learning is null;
        Check(reference.States, snapshot.Floats["state"], exactStates, $"{backend}, final states");
        if (snapshot.Floats.TryGetValue(SessionState.CurrentKey, out var current)) Check(reference.Currents, current, exactStates, $"{backend}, final currents");
        else Assert.All(reference.Currents, c => Assert.Equal(0f, c));
        Assert.Equal(reference.Refractory, snapshot.Ints["refractory"]);
        Check(reference.Weights, snapshot.Floats["weight"], exact: false, $"{backend}, final weights");
        return spikes;
    }

    private static long Check(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, bool exact, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        long spikes = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (exact)
            {
                if (e != a) Assert.Fail($"{what}: neuron {i}: reference {e:R}, backend {a:R}");
                if (e == 1) spikes++;
                continue;
            }

            double tol = Parity.RelativeTolerance * Math.Max(1, Math.Max(Math.Abs(e), Math.Abs(a)));
            if (!(Math.Abs(e - a) <= tol)) Assert.Fail($"{what}: element {i}: reference {e:R}, backend {a:R} (difference {Math.Abs(e - a):G3} > {tol:G3})");
        }

        return spikes;
    }
}
