using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Engine;
using Ifm.Runtime.Persistence;
using Ifm.Runtime.Plasticity;

namespace Ifm.OpenCL.Tests;

/// <summary>Checkpoints move between backends: the state arrays have the same names and meaning on both.</summary>
public sealed class CheckpointInteropTests() : TempDirectoryTests("ifm-ocl-ckpt-")
{
    public static TheoryData<string> Rules => ["hebbian_trace", "neuromodulated", "oja", "stdp"];

    private static IfmModel Model(string rule) => rule switch
    {
        "stdp" => TestNetworks.Derive(
            RandomNetwork.Create(new RandomNetworkOptions { Neurons = 200, Connectivity = 0.2, Kind = NeuronKind.Lif, Seed = 9, Rule = new StdpRule(0.02f, 0.02f, 1f / 256, 1f / 256, -1f, 1f) }),
            dyadic: true, bias: i => 0.25f + (i % 4) * 0.0625f,
            parameters: p => NeuronParameters.ForLif(TestNetworks.Filled(p.Count, 0.005f), TestNetworks.Filled(p.Count, 1f), TestNetworks.Filled(p.Count, 0f),
                TestNetworks.Filled(p.Count, 0f), TestNetworks.Filled(p.Count, 4f), LifResetMode.ToReset, 1)),
        _ => TestNetworks.Derive(RandomNetwork.Create(new RandomNetworkOptions
        {
            Neurons = 200, Connectivity = 0.2, Kind = NeuronKind.Ifm, Seed = 9, Alpha = 0.05f,
            Rule = rule switch
            {
                "hebbian_trace" => new HebbianTraceRule(0.05f),
                "neuromodulated" => new NeuromodulatedRule(0.05f, new ModulatorSource(ModulatorKind.Input, "in0")),
                _ => new OjaRule(0.01f, -1f, 1f),
            },
        }), weightScale: 0.5f),
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_checkpoint_saved_from_an_opencl_session_loads_into_a_cpu_session_and_continues_identically(string rule)
    {
        var m = Model(rule);
        bool spiking = rule == "stdp";
        double tolerance = rule == "neuromodulated" ? 1e-4 : Parity.RelativeTolerance; // H integrates rounding differences (see PlasticityParityTests)
        using var gpu = new OpenClSession(m);
        var rng = new Random(2);
        var inputs = new float[m.InputCount];
        void Drive(INetworkSession s, Random r)
        {
            for (int i = 0; i < inputs.Length; i++) inputs[i] = spiking ? r.Next(-64, 129) / 64f : (float)(r.NextDouble() * 2 - 1);
            s.SetInputs(inputs);
        }

        for (int t = 0; t < 300; t++)
        {
            Drive(gpu, rng);
            gpu.Step();
        }

        string path = Path.Combine(Dir, "state.ckpt");
        Checkpoint.Save(gpu, path);
        using var cpu = new CpuSession(m);
        Checkpoint.Load(cpu, path);

        // Loaded state equals the OpenCL session's exactly.
        var a = gpu.Snapshot();
        var b = cpu.Snapshot();
        Assert.Equal(a.Tick, b.Tick);
        foreach (var (name, values) in a.Floats) Assert.Equal(values, b.Floats[name]);
        foreach (var (name, values) in a.Ints) Assert.Equal(values, b.Ints[name]);

        // Both continue from it with the same inputs and agree (spike for spike on LIF).
        var outGpu = new float[m.OutputCount];
        var outCpu = new float[m.OutputCount];
        var r1 = new Random(5);
        var r2 = new Random(5);
        for (int t = 0; t < 300; t++)
        {
            Drive(gpu, r1);
            Drive(cpu, r2);
            gpu.Step();
            cpu.Step();
            gpu.ReadOutputs(outGpu);
            cpu.ReadOutputs(outCpu);
            if (spiking) Assert.Equal(outCpu, outGpu);
            else Parity.AssertClose(outCpu, outGpu, $"outputs {t + 1} ticks after the checkpoint", tolerance);
        }

        Parity.AssertSameState(cpu.Snapshot(), gpu.Snapshot(), tolerance);
    }

    [Fact]
    public void A_checkpoint_saved_from_a_cpu_session_loads_into_an_opencl_session()
    {
        var m = Model("hebbian_trace");
        using var cpu = new CpuSession(m);
        cpu.SetInputs(Enumerable.Repeat(0.3f, m.InputCount).ToArray());
        cpu.Step(250);
        string path = Path.Combine(Dir, "cpu.ckpt");
        Checkpoint.Save(cpu, path);
        using var gpu = new OpenClSession(m);
        Checkpoint.Load(gpu, path);
        var a = cpu.Snapshot();
        var b = gpu.Snapshot();
        foreach (var (name, values) in a.Floats) Assert.Equal(values, b.Floats[name]);
        cpu.Step(100);
        gpu.Step(100);
        Parity.AssertSameState(cpu.Snapshot(), gpu.Snapshot());
    }

    [Fact]
    public void Snapshot_restore_and_reset_on_the_device_reproduce_a_run()
    {
        var m = Model("oja");
        using var gpu = new OpenClSession(m);
        gpu.SetInputs(Enumerable.Repeat(0.4f, m.InputCount).ToArray());
        gpu.Step(100);
        var mid = gpu.Snapshot();
        gpu.Step(100);
        var end = gpu.ReadNeuronOutputs();
        gpu.Restore(mid);
        gpu.Step(100);
        Assert.Equal(end, gpu.ReadNeuronOutputs());

        gpu.Reset();
        Assert.Equal(0, gpu.Tick);
        Assert.All(gpu.ReadNeuronOutputs(), v => Assert.Equal(0f, v));
        Assert.Equal(m.Weight.ToArray(), gpu.ReadWeights());
    }

    [Fact]
    public void Restoring_a_state_of_another_model_is_refused()
    {
        using var a = new OpenClSession(Model("oja"));
        using var b = new OpenClSession(Model("hebbian_trace"));
        var e = Assert.Throws<ArgumentException>(() => b.Restore(a.Snapshot()));
        Assert.Contains("belongs to model", e.Message, StringComparison.Ordinal);
    }
}
