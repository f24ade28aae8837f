using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ifm.Runtime.Diagnostics;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm bench &lt;model&gt;</c>: tick time, throughput and allocations of a model on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = CommonOptions.ModelArgument();
        var ticks = new Option<int>("--ticks") { Description = "Ticks per repetition (default: about 100 ms worth)." };
        var reps = new Option<int>("--repetitions") { Description = "Timed repetitions; the median is reported.", DefaultValueFactory = _ => 15 }.Positive();
        var layout = new Option<string>("--layout") { Description = "CPU weight layout.", DefaultValueFactory = _ => "auto" };
        layout.AcceptOnlyFromAmong("auto", "dense", "sparse");
        var propagation = new Option<string>("--propagation") { Description = "Spiking networks: synaptic sums along the spikes' out-edges (event), over every edge (clock), or event-driven while spikes are sparse (auto).", DefaultValueFactory = _ => "auto" };
        propagation.AcceptOnlyFromAmong("auto", "event", "clock");
        var threads = new Option<int>("--threads") { Description = "Threads for the synaptic sum (clock-driven static ticks; bit-identical results; also on run and replay).", DefaultValueFactory = _ => 1 }.Positive();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var plasticity = CommonOptions.Plasticity();
        var backend = new BackendOptions();
        var cmd = new Command("bench", "Measure ticks/s, synapse updates/s and allocated bytes per tick.") { model, ticks, reps, layout, propagation, threads, json, plasticity };
        backend.AddTo(cmd);
        cmd.SetAction(r =>
        {
            string path = r.GetValue(model)!;
            var m = CommonOptions.LoadModel(path);
            var options = new SessionOptions
            {
                Layout = r.GetValue(layout) switch { "dense" => SynapseLayout.Dense, "sparse" => SynapseLayout.Sparse, _ => SynapseLayout.Auto },
                Threads = r.GetValue(threads),
                SpikePropagation = r.GetValue(propagation) switch { "event" => SpikePropagationMode.EventDriven, "clock" => SpikePropagationMode.ClockDriven, _ => SpikePropagationMode.Auto },
            };
            bool learn = r.GetValue(plasticity) == "on";
            var choice = backend.CreateSession(r, m, options, s => s.Plasticity.Enabled = learn);
            using var session = choice.Session;
            string mode = m.IsPlastic ? (session.Plasticity.Enabled ? "plasticity on" : "plasticity off") : "static";
            int perRep = r.GetValue(ticks);
            if (perRep < 0) throw new CliException("--ticks must be positive");
            int calibrated = TickBenchmark.CalibrateTicks(session, 100); // also the warm-up (JIT tiers, caches), with or without --ticks
            if (perRep == 0) perRep = calibrated;
            int repetitions = r.GetValue(reps);
            var progress = ProgressBar.ForConsole();
            var result = TickBenchmark.Run(session, perRep, repetitions, Math.Min(perRep, 1000), done => progress.Report(done, repetitions, "repetitions", $"{perRep:N0} ticks each"));
            progress.Finish();
            string layoutName = (session is CpuSession cpu ? cpu.KernelDescription : "device csr") + "; " + mode;
            if (session is CpuSession { Threads: > 1 } mt) layoutName += $"; {mt.Threads} threads";
            if (session is CpuSession { EventDriven: true } ev)
            {
                var (e, c) = ev.PropagationTicks;
                layoutName += string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; {100.0 * e / Math.Max(1, e + c):0.#} % of ticks event-driven");
            }
            double? rateHz = session is CpuSession cs && m.Populations.Any(p => NeuronModels.Of(p.Kind).Spiking) ? FiringRate(cs) : null;
            if (rateHz is { } hz) layoutName += string.Create(System.Globalization.CultureInfo.InvariantCulture, $"; firing rate {hz:0.0} Hz");
            if (r.GetValue(json)) WriteJson(Console.OpenStandardOutput(), path, m, choice.Description, layoutName, result);
            else WriteTable(Console.Out, path, m, choice.Description, layoutName, result);
            return 0;
        });
        return cmd;
    }

    /// <summary>Mean firing rate of every neuron over one further second of model time (spiking models: a benchmark
    /// of a network that does not spike, or spikes far more than intended, compares nothing).</summary>
    private static double FiringRate(CpuSession s)
    {
        int ticks = (int)Math.Clamp(Math.Round(1.0 / s.Model.Dt), 100, 100_000);
        long spikes = 0;
        for (int t = 0; t < ticks; t++)
        {
            s.Step();
            foreach (float y in s.NeuronOutputs)
            {
                if (y != 0) spikes++;
            }
        }

        return spikes / (s.Model.NeuronCount * ticks * (double)s.Model.Dt);
    }

    internal static void WriteTable(TextWriter o, string path, Ifm.Runtime.Model.IfmModel m, string backend, string layout, TickBenchmarkResult r)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"model              {path}: {m.NeuronCount:N0} neurons, {m.EdgeCount:N0} synapses, {backend} backend"));
        o.WriteLine(string.Create(c, $"layout             {layout}"));
        o.WriteLine(string.Create(c, $"time per tick      {r.MedianMicrosecondsPerTick,12:N3} µs   (median of {r.Repetitions} × {r.TicksPerRepetition:N0} ticks; min {r.MinMicrosecondsPerTick:N3}, max {r.MaxMicrosecondsPerTick:N3})"));
        if (double.IsFinite(r.MedianCpuMicrosecondsPerTick))
            o.WriteLine(string.Create(c, $"CPU time per tick  {r.MedianCpuMicrosecondsPerTick,12:N3} µs   (median; the wall clock above also counts waiting for a core)"));
        o.WriteLine(string.Create(c, $"ticks/s            {r.TicksPerSecond,12:N0}"));
        o.WriteLine(string.Create(c, $"synapse updates/s  {r.SynapseUpdatesPerSecond,12:N0}   ({r.SynapseUpdatesPerSecond / 1e9:N3} G/s)"));
        o.WriteLine(string.Create(c, $"allocated/tick     {r.AllocatedBytesPerTick,12:N2} bytes"));
    }

    internal static void WriteJson(Stream s, string path, Ifm.Runtime.Model.IfmModel m, string backend, string layout, TickBenchmarkResult r)
    {
        using var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("model", path);
        w.WriteNumber("neurons", m.NeuronCount);
        w.WriteNumber("synapses", m.EdgeCount);
        w.WriteString("backend", backend);
        w.WriteString("layout", layout);
        w.WriteNumber("ticks_per_repetition", r.TicksPerRepetition);
        w.WriteNumber("repetitions", r.Repetitions);
        w.WriteNumber("median_us_per_tick", r.MedianMicrosecondsPerTick);
        w.WriteNumber("min_us_per_tick", r.MinMicrosecondsPerTick);
        w.WriteNumber("max_us_per_tick", r.MaxMicrosecondsPerTick);
        if (double.IsFinite(r.MedianCpuMicrosecondsPerTick)) w.WriteNumber("median_cpu_us_per_tick", r.MedianCpuMicrosecondsPerTick);
        w.WriteNumber("ticks_per_second", r.TicksPerSecond);
        w.WriteNumber("synapse_updates_per_second", r.SynapseUpdatesPerSecond);
        w.WriteNumber("allocated_bytes_per_tick", r.AllocatedBytesPerTick);
        w.WriteEndObject();
        w.Flush();
        s.Write("\n"u8);
    }
}
