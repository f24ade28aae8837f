using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Hosting;
using Ifm.Runtime.Persistence;

namespace Ifm.Control.Tests;

public sealed class RunHostTests
{
    private static (RunReport Report, string Output) Run(RunConfig c, PavlovSchedule? schedule = null, CancellationToken cancel = default)
    {
        var output = new StringWriter();
        var env = new RunEnvironment
        {
            Log = new RunLog(output, output, OutputMode.Plain),
            Cancellation = cancel,
            PavlovSchedule = schedule,
            StatusInterval = TimeSpan.FromMilliseconds(50),
            SpinWindow = TimeSpan.Zero,
        };
        RunReport r = RunHost.Run(c, env);
        return (r, output.ToString());
    }

    private static int BellTestSalivation(SimulatedHardware sim)
    {
        int total = 0;
        foreach (PavlovTrial t in sim.Pavlov!.Trials)
        {
            if (t.Stage == PavlovStage.Testing) total += t.SalivationDuringStimulus;
        }

        return total;
    }

    [Fact]
    public void Pavlov_conditioning_is_learned_through_GPIO_stimuli_with_the_trained_model()
    {
        var on = Run(new RunConfig { Model = Paths.Model("pavlov.ifm"), Sim = "pavlov", RateHz = 1000 });
        var off = Run(new RunConfig { Model = Paths.Model("pavlov.ifm"), Sim = "pavlov", RateHz = 1000, Plasticity = "off" });
        Assert.Equal(0, on.Report.ExitCode);
        Assert.Equal(StopReason.Completed, on.Report.Loop.Reason);
        Assert.Equal(240, on.Report.Loop.Periods);
        // Food always makes S salivate; the bell alone does only after pairing, and only when learning is on.
        foreach (var r in new[] { on.Report, off.Report })
        {
            foreach (PavlovTrial t in r.Simulation!.Pavlov!.Trials)
            {
                if (t.Stage == PavlovStage.Initial) Assert.True(t.SalivationDuringStimulus > 0, "no unconditioned response to food");
            }
        }

        Assert.True(BellTestSalivation(on.Report.Simulation!) >= 6, on.Output);
        Assert.Equal(0, BellTestSalivation(off.Report.Simulation!));
        Assert.Contains("pavlov trials", on.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Pavlov_conditioning_is_learned_by_a_plastic_Hebbian_trace_edge_R_to_S()
    {
        string dir = Paths.TempDir();
        string model = Path.Combine(dir, "pavlov-hebbian.ifm");
        IfmFile.Write(Models.PavlovHebbian(0.05f), model);
        string ckpt = Path.Combine(dir, "state.ckpt");
        var schedule = new PavlovSchedule(InitialTrials: 2, TrainingTrials: 8, TestingTrials: 3, StimulusPeriods: 10, GapPeriods: 3);
        var on = Run(new RunConfig { Model = model, Sim = "pavlov", RateHz = 1000, Checkpoint = ckpt }, schedule);
        var off = Run(new RunConfig { Model = model, Sim = "pavlov", RateHz = 1000, Plasticity = "off" }, schedule);
        Assert.True(BellTestSalivation(on.Report.Simulation!) > 0, on.Output);
        Assert.Equal(0, BellTestSalivation(off.Report.Simulation!));

        // The learned state was checkpointed at stop: R → S is stronger in it than in the model.
        Assert.Equal(ckpt, on.Report.CheckpointSaved);
        var m = IfmFile.Read(model);
        using var restored = new CpuSession(m);
        Checkpoint.Load(restored, ckpt);
        int edge = m.FindEdge(m.InputNeurons[1], m.OutputNeurons[0]);
        Assert.True(restored.Weights[edge] > 0.5f, $"R→S effective weight {restored.Weights[edge]}");
        Assert.Equal(0f, m.Weight[edge]);
        Assert.Null(off.Report.CheckpointSaved);
    }

    [Fact]
    public void Pong_runs_with_no_device_map_and_reports()
    {
        var (r, output) = Run(new RunConfig { Model = Paths.Model("pong.ifm"), Sim = "pong", RateHz = 500, DurationSeconds = 0.5 });
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(250, r.Loop.Periods);
        Assert.Equal(250, r.Simulation!.Pong!.Ticks);
        Assert.Contains("run completed after 250 periods", output, StringComparison.Ordinal);
        Assert.Contains("period jitter", output, StringComparison.Ordinal);
        Assert.Contains("pong: 250 game ticks", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_stops_the_run_with_exit_code_0_and_saves_learned_state()
    {
        string ckpt = Path.Combine(Paths.TempDir(), "state.ckpt");
        using var cts = new CancellationTokenSource();
        var schedule = new PavlovSchedule(TrainingTrials: 100_000);
        RunReport? report = null;
        string output = "";
        var t = new Thread(() => (report, output) = Run(new RunConfig { Model = Paths.Model("pavlov.ifm"), Sim = "pavlov", RateHz = 1000, Checkpoint = ckpt }, schedule, cts.Token));
        t.Start();
        Thread.Sleep(300);
        cts.Cancel();
        Assert.True(t.Join(TimeSpan.FromSeconds(120)));
        Assert.Equal(0, report!.ExitCode);
        Assert.Equal(StopReason.Cancelled, report.Loop.Reason);
        Assert.Contains("stopped on request", output, StringComparison.Ordinal);
        Assert.True(File.Exists(ckpt));
        Assert.Equal(report.Loop.Periods, Checkpoint.Read(ckpt).Tick);
    }

    [Fact]
    public void Configuration_problems_are_reported_before_anything_runs()
    {
        var e1 = Assert.Throws<RunConfigException>(() => Run(new RunConfig { Model = "/nonexistent.ifm", Sim = "pong" }));
        Assert.Contains("model: file '/nonexistent.ifm' does not exist", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<RunConfigException>(() => Run(new RunConfig { Model = Paths.Model("pong.ifm") }));
        Assert.Contains("devices: required", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<Ifm.Core.IfmException>(() => Run(new RunConfig { Model = Paths.Model("pong.ifm"), Sim = "pavlov" }));
        Assert.Equal(Ifm.Core.IfmErrorCode.Configuration, e3.Code);
        Assert.Contains("needs a model with 2 inputs", e3.Message, StringComparison.Ordinal);
        // The environment's backend list has no OpenCL backend: the configuration is refused naming what it has.
        var e4 = Assert.Throws<RunConfigException>(() => Run(new RunConfig { Model = Paths.Model("pong.ifm"), Sim = "pong", Backend = "opencl" }));
        Assert.Contains("backend: must be \"cpu\" or \"auto\", got \"opencl\"", e4.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused()
    {
        string ckpt = Path.Combine(Paths.TempDir(), "state.ckpt");
        using (var s = new CpuSession(Models.PavlovHebbian(0.05f))) Checkpoint.Save(s, ckpt);
        var e = Assert.Throws<CheckpointException>(() => Run(new RunConfig { Model = Paths.Model("pavlov.ifm"), Sim = "pavlov", RateHz = 1000, Checkpoint = ckpt }));
        Assert.Contains("belongs to model", e.Message, StringComparison.Ordinal);
    }
}
