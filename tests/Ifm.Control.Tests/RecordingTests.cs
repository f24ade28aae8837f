using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ifm.Control.Tests;

public sealed partial class RecordingTests
{
    private static RecordingMetadata Meta(int inputs, int outputs, int actuators) => new()
    {
        ModelName = "test",
        RateHz = 1000,
        InputNames = [.. Enumerable.Range(0, inputs).Select(i => $"in{i}")],
        OutputNames = [.. Enumerable.Range(0, outputs).Select(i => $"out{i}")],
        ActuatorNames = [.. Enumerable.Range(0, actuators).Select(i => $"act{i}")],
    };

    private static void CaptureSynthetic(RunRecorder rec, int period)
    {
        float[] x = [period, -period, period * 0.5f];
        float[] y = [MathF.Sin(period)];
        float[] a = [period % 3, 1f / (period + 1)];
        rec.Capture(period, period * 1000L, 10 + period, period % 7, period * 0.25f, period * 1e-3f, x, y, a);
    }

    [Fact]
    public void Round_trip_returns_every_field_as_written()
    {
        string path = Path.Combine(Paths.TempDir(), "r.ifmrec");
        using (var rec = new RunRecorder(path, Meta(3, 1, 2), new RecorderOptions { Neurons = NeuronCapture.None }))
        {
            for (int p = 0; p < 500; p++) CaptureSynthetic(rec, p);
        }

        var r = RecordingReader.Read(path);
        Assert.True(r.Complete);
        Assert.Equal(500, r.Count);
        Assert.Equal(0, r.Dropped);
        Assert.Equal(["in0", "in1", "in2"], r.InputNames);
        Assert.Equal(["act0", "act1"], r.ActuatorNames);
        Assert.Equal(0, r.RecordBytes % 8);
        long[] period = r.Int64("period"), time = r.Int64("time_ns"), compute = r.Int64("compute_ns"), late = r.Int64("lateness_ns");
        float[][] x = r.Float32("inputs"), y = r.Float32("outputs"), a = r.Float32("actuators"), ls = r.Float32("learning_signal"), dw = r.Float32("mean_abs_dw");
        for (int p = 0; p < 500; p++)
        {
            Assert.Equal(p, period[p]);
            Assert.Equal(p * 1000L, time[p]);
            Assert.Equal(10 + p, compute[p]);
            Assert.Equal(p % 7, late[p]);
            Assert.Equal([p, -p, p * 0.5f], x[p]);
            Assert.Equal(MathF.Sin(p), y[p][0]);
            Assert.Equal([p % 3, 1f / (p + 1)], a[p]);
            Assert.Equal(p * 0.25f, ls[p][0]);
            Assert.Equal(p * 1e-3f, dw[p][0]);
        }
    }

    [Fact]
    public void A_full_ring_drops_and_counts_records_without_blocking()
    {
        string path = Path.Combine(Paths.TempDir(), "d.ifmrec");
        var rec = new RunRecorder(path, Meta(3, 1, 2), new RecorderOptions { RingRecords = 8, Neurons = NeuronCapture.None }, null, startWriter: false);
        var sw = Stopwatch.StartNew();
        for (int p = 0; p < 20; p++) CaptureSynthetic(rec, p);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), "capture blocked on a full ring");
        Assert.Equal(12, rec.Dropped);
        rec.Dispose();

        var r = RecordingReader.Read(path);
        Assert.Equal(8, r.Count);
        Assert.Equal(12, r.Dropped);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7], r.Int64("period"));
    }

    [Fact]
    public void The_size_limit_rotates_to_one_older_file()
    {
        string dir = Paths.TempDir();
        string path = Path.Combine(dir, "rot.ifmrec");
        int written;
        using (var rec = new RunRecorder(path, Meta(3, 1, 2), new RecorderOptions { MaxFileBytes = 16 * 1024, Neurons = NeuronCapture.None }))
        {
            for (int p = 0; p < 2000; p++)
            {
                CaptureSynthetic(rec, p);
                if (p % 50 == 0) Thread.Sleep(1);
            }

            rec.Dispose();
            Assert.True(rec.Rotations >= 2, $"{rec.Rotations} rotations");
            Assert.Equal(0, rec.Dropped);
            written = (int)rec.Written;
        }

        Assert.Equal(2000, written);
        Assert.Equal(["rot.1.ifmrec", "rot.ifmrec"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var newer = RecordingReader.Read(path);
        var older = RecordingReader.Read(Path.Combine(dir, "rot.1.ifmrec"));
        Assert.True(new FileInfo(path).Length <= 16 * 1024);
        long[] a = older.Int64("period"), b = newer.Int64("period");
        Assert.Equal(a[^1] + 1, b[0]);
        Assert.Equal(1999, b[^1]);
    }

    [Fact]
    public void A_recording_loop_allocates_nothing_and_records_every_period()
    {
        // A random LIF network on the Pong plant: spikes are captured, actuator commands come from the device set.
        IfmModel model = SpikingPong();
        DeviceMap map = DeviceMap.Load(Paths.Example("pong-sim.json"));
        Simulation.BuiltInPlants.FitNames(map, model, "pong");
        var hw = SimulatedHardware.ForPong(seed: 7);
        using var devices = DeviceSet.Bind(map, model.InputNames, model.OutputNames, hw);
        string path = Path.Combine(Paths.TempDir(), "loop.ifmrec");
        using var session = new CpuSession(model);
        var meta = new RecordingMetadata
        {
            ModelName = model.Name, RateHz = 5000, InputNames = model.InputNames, OutputNames = model.OutputNames,
            ActuatorNames = devices.ActuatorChannelNames,
        };
        var rec = new RunRecorder(path, meta, new RecorderOptions(), session);
        // Warm-up 0.2 s: past the JIT's tiering delay (100 ms), whose code replacement may allocate once on this thread.
        var loop = new ControlLoop(session, devices, new LoopOptions { RateHz = 5000, MaxPeriods = 3000, WarmupPeriods = 1000, Recorder = rec });
        Assert.Equal(StopReason.Completed, loop.Run(CancellationToken.None).Reason);
        rec.Dispose();
        Assert.Equal(0, loop.Statistics.SteadyAllocatedBytes);

        var r = RecordingReader.Read(path);
        Assert.Equal("spikes", r.NeuronCapture);
        Assert.Equal(3000, r.Count + r.Dropped);
        Assert.Equal(0, r.Dropped);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (long)i), r.Int64("period"));
        Assert.All(r.Int64("compute_ns"), c => Assert.True(c > 0));
        Assert.True(r.Int64("time_ns").Zip(r.Int64("time_ns").Skip(1)).All(t => t.Second > t.First));
        bool[][] spikes = r.Spikes();
        Assert.Contains(spikes, row => row.Any(s => s));
        Assert.Equal(devices.ActuatorChannelCount, r.ActuatorNames.Count);
        Assert.True(float.IsNaN(r.Float32("learning_signal")[0][0]));

        // The last record's outputs and actuator commands are those the session and the devices ended with.
        var y = new float[model.OutputCount];
        session.ReadOutputs(y);
        Assert.Equal(y, r.Float32("outputs")[^1]);
        var a = new float[devices.ActuatorChannelCount];
        devices.CopyActuatorCommands(a);
        Assert.Equal(a, r.Float32("actuators")[^1]);
    }

    /// <summary>Pong's shape (24 inputs, 3 outputs) around 20 LIF neurons whose bias makes them fire every few ticks.</summary>
    internal static IfmModel SpikingPong()
    {
        const int hidden = 20;
        static float[] Fill(float v) => Enumerable.Repeat(v, hidden).ToArray();
        var b = new ModelBuilder { Name = "lif-pong", Dt = 0.001f };
        int input = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 24);
        int hid = b.AddPopulation("hidden", NeuronKind.Lif, NeuronRole.Hidden, hidden,
            NeuronParameters.ForLif(Fill(0.005f), Fill(0.5f), Fill(0f), Fill(0f), Fill(1f), LifResetMode.ToReset, 1));
        int output = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 3);
        b.AddEdgeGroup("fixed");
        for (int h = 0; h < hidden; h++)
        {
            b.SetBias(hid + h, 0.6f + (0.02f * h));
            b.AddEdge(input + (h % 24), hid + h, 0.5f);
            b.AddEdge(hid + h, output + (h % 3), h % 2 == 0 ? 0.4f : -0.3f);
        }

        return b.Build();
    }

    [Fact]
    public void Outputs_capture_keeps_every_neuron()
    {
        IfmModel model = IfmFile.Read(Paths.Model("pong.ifm"));
        using var session = new CpuSession(model);
        string path = Path.Combine(Paths.TempDir(), "n.ifmrec");
        var x = new float[model.InputCount];
        var y = new float[model.OutputCount];
        var expected = new List<float[]>();
        using (var rec = new RunRecorder(path, Meta(model.InputCount, model.OutputCount, 0), new RecorderOptions { Neurons = NeuronCapture.Outputs }, session))
        {
            for (int p = 0; p < 50; p++)
            {
                x[p % x.Length] = 1;
                session.SetInputs(x);
                session.Step();
                session.ReadOutputs(y);
                expected.Add(session.NeuronOutputs.ToArray());
                rec.Capture(p, 0, 0, 0, float.NaN, 0, x, y, []);
            }
        }

        var r = RecordingReader.Read(path);
        Assert.Equal(model.NeuronCount, r.NeuronCount);
        Assert.Equal(expected, r.Float32("neurons"));
    }

    [Fact]
    public void Neuron_capture_on_a_backend_without_neuron_outputs_is_refused()
    {
        IfmModel model = Models.AlwaysOn();
        using var session = new FaultySession(new CpuSession(model));
        var e = Assert.Throws<ArgumentException>(() => new RunRecorder(Path.Combine(Paths.TempDir(), "x.ifmrec"), Meta(1, 1, 0), new RecorderOptions { Neurons = NeuronCapture.Spikes }, session));
        Assert.Contains("cpu backend", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_files_give_one_clear_error()
    {
        string dir = Paths.TempDir();
        string junk = Path.Combine(dir, "junk.ifmrec");
        File.WriteAllText(junk, "hello, not a recording at all............");
        Assert.Contains("not an IFM recording", Assert.Throws<RecordingFormatException>(() => RecordingReader.Read(junk)).Message, StringComparison.Ordinal);

        string good = Path.Combine(dir, "g.ifmrec");
        using (var rec = new RunRecorder(good, Meta(3, 1, 2), new RecorderOptions { Neurons = NeuronCapture.None })) CaptureSynthetic(rec, 0);
        byte[] bytes = File.ReadAllBytes(good);
        bytes[8] = 0xFF; bytes[9] = 0xFF; bytes[10] = 0xFF; // header length past the end
        File.WriteAllBytes(junk, bytes);
        Assert.Contains("past the end", Assert.Throws<RecordingFormatException>(() => RecordingReader.Read(junk)).Message, StringComparison.Ordinal);

        // A file cut mid-record (a crash while writing) reads up to its last whole record.
        bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(junk, bytes[..^3]);
        Assert.Equal(0, RecordingReader.Read(junk).Count);
    }

    [Fact]
    public void The_numpy_snippet_in_the_docs_reads_a_recording()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Fail("Debian's python3 with python3-numpy is required (scripts/install-deps.sh)");
        string readme = File.ReadAllText(Path.Combine(Paths.RepoRoot(), "runtime", "Ifm.Control", "Recording", "README.md"));
        string snippet = PythonBlock().Match(readme).Groups[1].Value;
        Assert.Contains("np.frombuffer", snippet, StringComparison.Ordinal);
        string dir = Paths.TempDir();
        string script = Path.Combine(dir, "read.py");
        File.WriteAllText(script, snippet + "\nprint('spikes', int(spikes.sum()), spikes.shape)\nprint('inputs', rec['inputs'][7].tolist())\n");

        IfmModel model = SpikingPong();
        using var session = new CpuSession(model);
        string path = Path.Combine(dir, "py.ifmrec");
        int spikeCount = 0;
        var x = new float[model.InputCount];
        var y = new float[model.OutputCount];
        using (var rec = new RunRecorder(path, Meta(model.InputCount, model.OutputCount, 0) with { ModelName = "pyt" }, new RecorderOptions { Neurons = NeuronCapture.Spikes }, session))
        {
            for (int p = 0; p < 40; p++)
            {
                for (int i = 0; i < x.Length; i++) x[i] = (p + i) % 3 == 0 ? 2f : 0f;
                session.SetInputs(x);
                session.Step();
                session.ReadOutputs(y);
                foreach (float v in session.NeuronOutputs) if (v >= 0.5f) spikeCount++;
                rec.Capture(p, p, 1000 + p, 0, float.NaN, 0, x, y, []);
            }
        }

        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(path);
        using var proc = Process.Start(psi)!;
        string stdout = proc.StandardOutput.ReadToEnd();
        string stderr = proc.StandardError.ReadToEnd();
        Assert.True(proc.WaitForExit(60_000));
        Assert.True(proc.ExitCode == 0, stderr);
        Assert.Contains("pyt 40 periods, 0 dropped; mean compute 1.0195 us", stdout, StringComparison.Ordinal);
        Assert.Contains($"spikes {spikeCount} (40, {model.NeuronCount})", stdout, StringComparison.Ordinal);
        string inputs7 = "[" + string.Join(", ", Enumerable.Range(0, model.InputCount).Select(i => (7 + i) % 3 == 0 ? "2.0" : "0.0")) + "]";
        Assert.Contains("inputs " + inputs7, stdout, StringComparison.Ordinal);
        Assert.True(spikeCount > 0, "the network never spiked: the spike check would prove little");
    }

    [GeneratedRegex("```python\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PythonBlock();
}
