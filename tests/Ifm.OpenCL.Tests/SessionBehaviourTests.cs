using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Engine;
using Ifm.Runtime.OpenCL.Selection;
using Ifm.Runtime.Plasticity;

namespace Ifm.OpenCL.Tests;

/// <summary>The session contract on the device: no managed allocation per tick, guard, statistics, argument errors.</summary>
public sealed class SessionBehaviourTests
{
    [Fact]
    public void Ticks_inputs_outputs_and_learning_signals_allocate_no_managed_memory()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 200, Kind = NeuronKind.Ifm, Rule = new HebbianTraceRule(0.05f) });
        using var s = new OpenClSession(m);
        var inputs = new float[m.InputCount];
        var outputs = new float[m.OutputCount];
        void Period(int t)
        {
            inputs[t % inputs.Length] = t * 0.001f;
            s.SetInputs(inputs);
            s.SetInput(0, 0.5f);
            s.Plasticity.SetModulator(0.1f);
            s.Plasticity.SetErrors(outputs);
            s.Step(2);
            s.ReadOutputs(outputs);
        }

        for (int t = 0; t < 50; t++) Period(t);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 500; t++) Period(t);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_guard_freezes_learning_and_names_the_edge_when_a_weight_becomes_non_finite()
    {
        // Oja with a huge rate and no bounds diverges to infinity within a few ticks.
        var m = TestNetworks.Derive(RandomNetwork.Create(new RandomNetworkOptions { Neurons = 60, Kind = NeuronKind.Leaky, Rule = new OjaRule(1e6f) }),
            parameters: p => NeuronParameters.ForLeaky(TestNetworks.Filled(p.Count, 0.001f), Activation.Identity));
        using var s = new OpenClSession(m);
        s.SetInputs(Enumerable.Repeat(1f, m.InputCount).ToArray());
        s.Step(200);
        Assert.True(s.Plasticity.GuardTripped);
        Assert.Matches(@"edge group 'plastic': the weight of edge \d+→\d+ became non-finite at tick \d+; learning frozen", s.Plasticity.GuardMessage);
        Assert.False(s.Plasticity.Enabled);
        var frozen = s.ReadWeights();
        Assert.All(frozen, w => Assert.True(float.IsFinite(w)));
        s.Step(20);
        Assert.Equal(frozen, s.ReadWeights());
        s.Plasticity.ClearGuard();
        Assert.False(s.Plasticity.GuardTripped);
        Assert.True(s.Plasticity.Enabled);
    }

    [Fact]
    public void Statistics_match_the_cpu_engine()
    {
        var m = TestNetworks.Derive(RandomNetwork.Create(new RandomNetworkOptions { Neurons = 150, Kind = NeuronKind.Ifm, Rule = new OjaRule(0.01f, -0.5f, 0.5f) }), 0.5f);
        using var cpu = new CpuSession(m);
        using var gpu = new OpenClSession(m);
        var x = Enumerable.Range(0, m.InputCount).Select(i => MathF.Sin(i)).ToArray();
        cpu.SetInputs(x);
        gpu.SetInputs(x);
        cpu.Step(200);
        gpu.Step(200);
        var a = cpu.Plasticity.Statistics;
        var b = gpu.Plasticity.Statistics;
        Assert.Equal(a.LearningTicks, b.LearningTicks);
        Assert.Equal(a.TotalAbsDelta, b.TotalAbsDelta, a.TotalAbsDelta * 1e-3);
        Assert.Equal(a.LastMeanAbsDelta, b.LastMeanAbsDelta, a.LastMeanAbsDelta * 1e-3);
        Assert.True(a.TotalAbsDelta > 0);
        Assert.Equal(cpu.Plasticity.CountWeightsAtBounds(), gpu.Plasticity.CountWeightsAtBounds());
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_cpu_engines_messages()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 50 });
        using var s = new OpenClSession(m);
        Assert.Contains("input channels", Assert.Throws<ArgumentException>(() => s.SetInputs(new float[3])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.SetInput(m.InputCount, 1f));
        Assert.Throws<ArgumentException>(() => s.ReadOutputs(new float[m.OutputCount - 1]));
        Assert.Throws<ArgumentException>(() => s.Plasticity.SetErrors(new float[m.OutputCount + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Plasticity.LearningRateScale = -1);
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Step());
    }

    [Fact]
    public void Devices_are_found_by_index_and_by_name_and_unknown_ones_are_named_in_the_error()
    {
        var all = OpenClDevices.List();
        Assert.NotEmpty(all);
        Assert.Equal(all[0], OpenClDevices.Find(all[0].Id));
        Assert.Equal(all[0], OpenClDevices.Find(all[0].Name[..4].ToUpperInvariant()));
        var e = Assert.Throws<Ifm.Runtime.OpenCL.Interop.OpenClException>(() => OpenClDevices.Find("9:9"));
        Assert.Contains("9:9", e.Message, StringComparison.Ordinal);
        Assert.Contains(all[0].Name, e.Message, StringComparison.Ordinal);
        Assert.Throws<Ifm.Runtime.OpenCL.Interop.OpenClException>(() => OpenClDevices.Find("no-such-device-name"));
    }

    [Fact]
    public void The_backend_list_makes_sessions_on_each_backend_and_auto_says_why()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 100 });
        var list = new BackendList(new OpenClBackend());
        Assert.Equal(["cpu", "opencl", "auto"], list.Names);
        using (var c = list.Create(m, "cpu").Session) Assert.IsType<CpuSession>(c);
        var o = list.Create(m, "opencl");
        using (o.Session)
        {
            Assert.IsType<OpenClSession>(o.Session);
            Assert.Matches(@"^opencl \(\d+:\d+ .+\)$", o.Description);
        }

        var auto = list.Create(m, BackendList.Auto, measureMilliseconds: 40);
        using (auto.Session)
        {
            Assert.Matches(@"^auto chose (cpu|opencl): [\d.]+ µs/tick on .+ vs [\d.]+ µs/tick on the CPU", auto.Reason);
            Assert.Equal(auto.Backend == "cpu" ? typeof(CpuSession) : typeof(OpenClSession), auto.Session.GetType());
            Assert.Equal(0, auto.Session.Tick);
        }

        var e = Assert.Throws<Ifm.Core.IfmException>(() => new BackendList(new OpenClBackend("9:9")).Create(m, "opencl"));
        Assert.Equal(Ifm.Core.IfmErrorCode.Backend, e.Code);
        Assert.StartsWith("OpenCL backend not available: OpenCL device 9:9 does not exist", e.Message, StringComparison.Ordinal);
    }
}
