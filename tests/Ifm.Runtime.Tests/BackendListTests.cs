using Ifm.Core;
using Ifm.Runtime;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Tests;

/// <summary>
/// The backend seam (<see cref="BackendList"/>): names, the errors for an unknown or unusable backend, and what auto
/// does with backends that fail or run. The real second backend (OpenCL on PoCL) is tested in Ifm.OpenCL.Tests.
/// </summary>
public sealed class BackendListTests
{
    private static IfmModel Model() => RandomNetwork.Create(new RandomNetworkOptions { Neurons = 60, Inputs = 4, Outputs = 2, Rule = new OjaRule(0.01f, -1f, 1f) });

    /// <summary>A backend that cannot run on this machine, as OpenCL without a driver.</summary>
    private sealed class Unusable : IBackend
    {
        public string Name => "npu";

        public string DisplayName => "NPU";

        public BackendSession Create(IfmModel model, SessionOptions options) => throw new IfmException(IfmErrorCode.Backend, "no NPU driver");
    }

    /// <summary>A second backend that runs: the CPU engine under another name (the list's logic, not a device, is under test).</summary>
    private sealed class Second : IBackend
    {
        public int Created;

        public string Name => "second";

        public string DisplayName => "Second";

        public BackendSession Create(IfmModel model, SessionOptions options)
        {
            Created++;
            return new BackendSession(new CpuSession(model, options), "second (test)", "the second engine");
        }
    }

    [Fact]
    public void Names_are_the_backends_and_auto()
    {
        Assert.Equal(["cpu", "auto"], BackendList.CpuOnly.Names);
        var list = new BackendList(new Unusable(), new Second());
        Assert.Equal(["cpu", "npu", "second", "auto"], list.Names);
        Assert.True(list.Accepts("second"));
        Assert.False(list.Accepts("gpu"));
        Assert.Throws<ArgumentException>(() => new BackendList(CpuBackend.Instance));
    }

    [Fact]
    public void Cpu_is_made_with_the_layout_and_configured()
    {
        var c = BackendList.CpuOnly.Create(Model(), "cpu", new SessionOptions { Layout = SynapseLayout.Sparse }, s => s.Plasticity.Enabled = false);
        using var s = Assert.IsType<CpuSession>(c.Session);
        Assert.Equal(("cpu", "cpu", null), (c.Backend, c.Description, c.Reason));
        Assert.False(s.Plasticity.Enabled);
        Assert.Equal(SynapseLayout.Sparse, s.Layout);
    }

    [Fact]
    public void An_unknown_name_is_a_configuration_error_naming_the_choices()
    {
        var e = Assert.Throws<IfmException>(() => new BackendList(new Second()).Create(Model(), "cuda"));
        Assert.Equal(IfmErrorCode.Configuration, e.Code);
        Assert.Equal("unknown backend 'cuda' (expected cpu, second or auto)", e.Message);
    }

    [Fact]
    public void An_unusable_backend_fails_when_asked_for_and_auto_leaves_it_out_with_the_reason()
    {
        var list = new BackendList(new Unusable());
        var e = Assert.Throws<IfmException>(() => list.Create(Model(), "npu"));
        Assert.Equal(IfmErrorCode.Backend, e.Code);
        Assert.Equal("NPU backend not available: no NPU driver", e.Message);

        var auto = list.Create(Model(), BackendList.Auto);
        using (auto.Session)
        {
            Assert.IsType<CpuSession>(auto.Session);
            Assert.Equal("cpu", auto.Backend);
            Assert.Equal("NPU not usable: no NPU driver", auto.Reason);
        }

        using var alone = BackendList.CpuOnly.Create(Model(), BackendList.Auto).Session;
        Assert.IsType<CpuSession>(alone);
    }

    [Fact]
    public void Auto_measures_every_usable_backend_and_keeps_one_at_tick_0_configured()
    {
        var second = new Second();
        var auto = new BackendList(new Unusable(), second).Create(Model(), BackendList.Auto, configure: s => s.Plasticity.Enabled = false, measureMilliseconds: 20);
        using (auto.Session)
        {
            Assert.Equal(1, second.Created);
            Assert.Matches(@"^auto chose (cpu|second): [\d.]+ µs/tick on the second engine vs [\d.]+ µs/tick on the CPU, measured on this model \(NPU not usable: no NPU driver\)$", auto.Reason);
            Assert.Equal(auto.Backend == "cpu" ? "cpu" : "second (test)", auto.Description);
            Assert.Equal(0, auto.Session.Tick);
            Assert.False(auto.Session.Plasticity.Enabled);
        }
    }
}

/// <summary><see cref="IfmSession"/>, the library's entry point, against the engine it wraps.</summary>
public sealed class IfmSessionTests() : TempDirectoryTests("ifm-session-")
{
    [Fact]
    public void Opens_a_file_steps_like_the_engine_and_round_trips_learned_state()
    {
        var model = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 80, Inputs = 4, Outputs = 3, Rule = new OjaRule(0.05f, -1f, 1f) });
        string path = Path.Combine(Dir, "net.ifm");
        IfmFile.Write(model, path);

        using var session = IfmSession.Open(path);
        using var reference = new CpuSession(model);
        Assert.Equal(("cpu", null), (session.Backend, session.BackendReason));
        float[] inputs = [0.5f, -0.25f, 1f, 0f];
        session.SetInputs(inputs);
        reference.SetInputs(inputs);
        session.Step(20);
        reference.Step(20);
        var got = new float[3];
        var want = new float[3];
        session.ReadOutputs(got);
        reference.ReadOutputs(want);
        Assert.Equal(want, got);
        Assert.Equal(20, session.Tick);

        string ckpt = Path.Combine(Dir, "state.ckpt");
        session.SaveCheckpoint(ckpt);
        session.Step(30);
        session.LoadCheckpoint(ckpt);
        Assert.Equal(20, session.Tick);
        session.Step(5);
        reference.Step(5);
        session.ReadOutputs(got);
        reference.ReadOutputs(want);
        Assert.Equal(want, got);
    }

    [Fact]
    public void Options_pick_layout_and_plasticity_and_failures_carry_their_code()
    {
        var model = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 50, Rule = new OjaRule(0.05f, -1f, 1f) });
        using (var s = new IfmSession(model, new IfmSessionOptions { Layout = SynapseLayout.Dense, Plasticity = false }))
        {
            Assert.False(s.Plasticity.Enabled);
            Assert.Equal(SynapseLayout.Dense, Assert.IsType<CpuSession>(s.Network).Layout);
        }

        Assert.Equal(IfmErrorCode.Io, Assert.Throws<IfmException>(() => IfmSession.Open(Path.Combine(Dir, "missing.ifm"))).Code);
        File.WriteAllBytes(Path.Combine(Dir, "junk.ifm"), [1, 2, 3]);
        Assert.Equal(IfmErrorCode.ModelFormat, Assert.ThrowsAny<IfmException>(() => IfmSession.Open(Path.Combine(Dir, "junk.ifm"))).Code);
        Assert.Equal(IfmErrorCode.Configuration, Assert.Throws<IfmException>(() => new IfmSession(model, new IfmSessionOptions { Backend = "opencl" })).Code);
        using var s2 = new IfmSession(model);
        File.WriteAllBytes(Path.Combine(Dir, "bad.ckpt"), [9, 9, 9]);
        Assert.Equal(IfmErrorCode.Checkpoint, Assert.ThrowsAny<IfmException>(() => s2.LoadCheckpoint(Path.Combine(Dir, "bad.ckpt"))).Code);
    }
}
