using System.CommandLine;
using System.Diagnostics;
using Ifm.Control.Recording;
using System.Globalization;
using System.Text;
using Ifm.Runtime.Data;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Learning;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm replay</c>: run recorded input ticks through a model and write the output ticks as CSV.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var model = CommonOptions.ModelArgument();
        var inputs = new Option<string>("--inputs", "-i")
        {
            Description = "Recorded inputs, one tick per line: comma-separated values (optionally a TAB and targets, which are ignored), or CSV with a header naming the model's input channels.",
            Required = true,
        };
        var output = new Option<string>("--out", "-o") { Description = "CSV file to write (tick, then one column per output channel).", Required = true };
        var ticksPerRow = new Option<int>("--ticks-per-row") { Description = "Ticks to run for each input line.", DefaultValueFactory = _ => 1 }.Positive();
        var plasticity = CommonOptions.Plasticity();
        var checkpointOut = new Option<string>("--checkpoint-out") { Description = "Save the learned state (weights, traces, neuron states) to this checkpoint file at the end." };
        var learning = new Option<string>("--learning")
        {
            Description = "Learning signals, schedules and watchdog (a JSON file holding a run configuration's \"learning\" object): expressions over " +
                "input.NAME (this row's inputs), output.NAME (the previous row's outputs) and column.NAME (CSV columns that are not model inputs, e.g. a reward).",
        };
        var threads = new Option<int>("--threads") { Description = "Threads of the CPU tick (results are bit-identical to one thread).", DefaultValueFactory = _ => 1 }.Positive();
        var backend = new BackendOptions();
        var cmd = new Command("replay", "Run recorded input ticks through a model and write its outputs.") { model, inputs, output, ticksPerRow, plasticity, checkpointOut, learning, threads };
        backend.AddTo(cmd);
        var record = new RecordOptions();
        record.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var m = CommonOptions.LoadModel(r.GetValue(model)!);
            string inputPath = r.GetValue(inputs)!;
            if (!File.Exists(inputPath)) throw new CliException($"input file '{inputPath}' does not exist");
            var table = TickTable.Read(inputPath);
            // Found out before the replay, not after it.
            Ifm.Runtime.Format.AtomicFile.CheckWritable(r.GetValue(output)!);
            if (r.GetValue(checkpointOut) is { } target) Ifm.Runtime.Format.AtomicFile.CheckWritable(target);
            float[] values;
            if (table.ColumnNames is not null)
            {
                values = table.SelectColumns(m.InputNames);
            }
            else
            {
                if (table.Width != m.InputCount) throw new CliException($"{inputPath}: lines have {table.Width} values, the model has {m.InputCount} input channels");
                values = table.Values;
            }

            bool learn = r.GetValue(plasticity) == "on";
            using var session = backend.CreateSession(r, m, new SessionOptions { Threads = r.GetValue(threads) }, s => s.Plasticity.Enabled = learn).Session;
            var outputs = new float[m.OutputCount];
            int k = r.GetValue(ticksPerRow);
            LearningController? signals = null;
            float[] columnValues = [];
            int columnCount = 0;
            if (r.GetValue(learning) is { } learningPath)
            {
                if (!File.Exists(learningPath)) throw new CliException($"--learning: file '{learningPath}' does not exist");
                var spec = LearningSpec.Parse(Ifm.Runtime.Format.BoundedFile.ReadAllText(learningPath, 64 * 1024), learningPath);
                string[] extra = table.ColumnNames is { } names ? [.. names.Where(n => m.FindInput(n) < 0)] : [];
                columnCount = extra.Length;
                if (extra.Length > 0) columnValues = table.SelectColumns(extra);
                signals = LearningController.Create(spec, session, [.. extra.Select(n => "column." + n)], learningPath,
                    log: line => Console.Error.WriteLine($"ifm: warning: learning watchdog: {line}"));
                foreach (string note in signals.Notes) Console.Error.WriteLine($"ifm: warning: {note}");
            }

            var sb = new StringBuilder();
            sb.Append("tick");
            foreach (var name in m.OutputNames) sb.Append(',').Append(name);
            sb.Append('\n');
            using RunRecorder? recorder = record.Path(r) is { } recordPath
                ? new RunRecorder(recordPath, new RecordingMetadata
                {
                    Source = "replay", ModelName = m.Name, NeuronCount = m.NeuronCount, EdgeCount = m.EdgeCount, RateHz = 0, TicksPerPeriod = k,
                    InputNames = m.InputNames, OutputNames = m.OutputNames,
                }, record.Options(r) with { RingRecords = 4096 }, session)
                : null;
            long t0 = Stopwatch.GetTimestamp();
            for (int row = 0; row < table.Rows; row++)
            {
                long begin = Stopwatch.GetTimestamp();
                ReadOnlySpan<float> x = values.AsSpan(row * m.InputCount, m.InputCount);
                signals?.Update(x, outputs, columnValues.AsSpan(row * columnCount, columnCount));
                session.SetInputs(x);
                session.Step(k);
                session.ReadOutputs(outputs);
                for (int o = 0; o < outputs.Length; o++)
                {
                    if (!float.IsFinite(outputs[o]))
                    {
                        int neuron = m.OutputNeurons[o];
                        throw new CliException(string.Create(CultureInfo.InvariantCulture,
                            $"{inputPath}: input row {row + 1}: the network diverged at tick {session.Tick}: output neuron {neuron} '{m.OutputNames[o]}' is {outputs[o]} (nothing written{(r.GetValue(checkpointOut) is null ? "" : ", no checkpoint saved")})"));
                    }
                }

                if (recorder is not null)
                {
                    long end = Stopwatch.GetTimestamp();
                    var ps = session.Plasticity.Statistics;
                    // Replay never drops: it waits for the writer instead (no real-time deadline here).
                    while (recorder.Pending >= recorder.RingCapacity) Thread.Sleep(1);
                    recorder.Capture(row, (long)Stopwatch.GetElapsedTime(t0, begin).TotalNanoseconds, (long)Stopwatch.GetElapsedTime(begin, end).TotalNanoseconds, 0,
                        signals?.Signal ?? float.NaN, learn && m.IsPlastic ? ps.LastMeanAbsDelta : 0f, x, outputs, []);
                }

                sb.Append(session.Tick.ToString(CultureInfo.InvariantCulture));
                foreach (var v in outputs) sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
                sb.Append('\n');
            }

            string outPath = r.GetValue(output)!;
            Ifm.Runtime.Format.AtomicFile.WriteAllBytes(outPath, Encoding.UTF8.GetBytes(sb.ToString()));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replayed {table.Rows:N0} input lines ({session.Tick:N0} ticks) into {outPath}"));
            if (recorder is not null)
            {
                recorder.Dispose();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recorded {recorder.Written:N0} input lines to {recorder.Path}"));
            }

            if (signals is not null)
            {
                string wd = signals.Watchdog is { } w ? $", watchdog: {w.Rollbacks} rollback(s){(w.Frozen ? ", learning frozen" : "")}" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learning signals: {signals.Describe()}{wd}{(signals.NonFiniteSignals > 0 ? $", {signals.NonFiniteSignals} non-finite values fed as 0" : "")}"));
            }

            if (session.Plasticity.GuardTripped) Console.Error.WriteLine($"ifm: warning: {session.Plasticity.GuardMessage}");
            if (r.GetValue(checkpointOut) is { } ckpt)
            {
                Ifm.Runtime.Persistence.Checkpoint.Save(session, ckpt);
                var st = session.Plasticity.Statistics;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"saved learned state to {ckpt} (tick {session.Tick:N0}, {st.LearningTicks:N0} learning ticks, Σ|Δw| {st.TotalAbsDelta:G4})"));
            }
            return 0;
        });
        return cmd;
    }
}
