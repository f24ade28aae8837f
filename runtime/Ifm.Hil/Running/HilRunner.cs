using System.Globalization;
using System.Runtime.InteropServices;
using System.Buffers;
using System.Text;
using System.Text.Json;
using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Hosting;
using Ifm.Control.Loop;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.FirmwareBridge.Devices;
using Ifm.Hil.Scenarios;
using Ifm.Hil.Steps;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Persistence;

namespace Ifm.Hil.Running;

/// <summary>How <see cref="HilRunner"/> runs a scenario.</summary>
public sealed class HilOptions
{
    /// <summary><c>sim</c>, <c>virtual-mcu</c> or <c>serial</c>.</summary>
    public string Target { get; init; } = HilTargets.Sim;

    /// <summary>The serial device of the <c>serial</c> target.</summary>
    public string? SerialPort { get; init; }

    /// <summary>The virtual MCU executable (<c>--mcu</c>); null: <see cref="McuProcess.Locate"/>'s rule.</summary>
    public string? McuPath { get; init; }

    /// <summary>Folder for the recordings (one <c>.ifmrec</c> per run of the runtime); null: none.</summary>
    public string? RecordDirectory { get; init; }

    /// <summary>Cancelled by the caller (and by SIGINT / an unexpected SIGTERM): the scenario stops, everything is cleaned up.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The whole scenario is abandoned (actuators safe, children stopped) after this long; null: 2 × duration + 30 s.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The runtime's own log lines (null: kept in <see cref="RunRecord"/> only).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Periods excluded from the loop thread's allocation accounting (null: the loop's default, 100).</summary>
    public int? WarmupPeriods { get; init; }

    /// <summary>The backends the scenario may name.</summary>
    public BackendList Backends { get; init; } = BackendList.CpuOnly;
}

/// <summary>
/// Runs a <see cref="Scenario"/>: builds the run of the runtime for the target, starts the virtual MCU on a pseudo-terminal
/// pair it creates (virtual-mcu), applies the timeline (loop-thread steps through <see cref="ScenarioHook"/>, runner steps
/// from its own thread), restarts from the checkpoint where the timeline says so, and cleans up children and
/// pseudo-terminals on every exit path. The assertions are evaluated afterwards over the <see cref="RunRecord"/>.
/// </summary>
public static class HilRunner
{
    public static RunRecord Run(Scenario scenario, HilOptions options)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        string target = options.Target;
        var problems = new List<string>();
        foreach (ScenarioStep s in scenario.Steps.Where(s => !s.Targets.Contains(target)))
        {
            problems.Add($"{s.Path}: step kind '{s.Kind}' cannot act on the {target} target (it needs {string.Join(" or ", s.Targets)})");
        }


        if (target == HilTargets.Serial && options.SerialPort is null) problems.Add("--target serial: needs a device (serial:/dev/ttyACM0)");
        if (problems.Count > 0) throw new ScenarioException(scenario.Source, problems);

        var timing = new ScenarioTiming(scenario.RateHz, scenario.Periods);
        var run = new RunRecord { Scenario = scenario, Target = target, Timing = timing };
        string work = Path.Combine(Path.GetTempPath(), $"ifm-hil-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        if (options.RecordDirectory is { } rec) Directory.CreateDirectory(rec);
        var logText = new StringWriter(CultureInfo.InvariantCulture);
        TextWriter logWriter = TextWriter.Synchronized(options.Log ?? logText);
        var log = new RunLog(logWriter, logWriter, OutputMode.Plain);

        using var all = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        all.CancelAfter(options.Timeout ?? TimeSpan.FromSeconds((2 * scenario.DurationSeconds) + 30));
        CancellationTokenSource? segmentStop = null;
        int expectSigterm = 0;
        bool interrupted = false;
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true; // never the default (exit): the runner stops in order and cleans up
            if (c.Signal == PosixSignal.SIGTERM && Interlocked.Exchange(ref expectSigterm, 0) == 1)
            {
                segmentStop?.Cancel();
                return;
            }

            interrupted = true;
            all.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        PtyRelay? relay = null;
        McuProcess? mcu = null;
        ScenarioHook? hook = null;
        try
        {
            string? map = PrepareMap(scenario, target, options, work, ref relay);
            if (target == HilTargets.VirtualMcu)
            {
                mcu = new McuProcess(McuProcess.Locate(options.McuPath), relay!.McuPath, scenario.Plant ?? "pong", scenario.McuSeed,
                    McuPerturbations(scenario), () => hook?.Period ?? -1);
                run.McuProcessId = mcu.Id;
            }

            if (relay is not null) run.Ptys = [relay.McuPath, relay.HostPath];

            string checkpoint = Path.Combine(work, "state.ckpt");
            foreach (CheckpointStep c in scenario.Steps.OfType<CheckpointStep>())
            {
                c.Target = c.File is { } f ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(scenario.Source)) ?? ".", f))
                    : Path.Combine(options.RecordDirectory ?? work, string.Create(CultureInfo.InvariantCulture, $"{Slug(scenario.Name)}-{c.Id ?? $"period{c.Period}"}.ckpt"));
            }

            bool needsCheckpoint = scenario.Steps.Any(s => s is RestartStep);
            long start = 0, timeOffsetNs = 0;
            for (int segment = 0; start < scenario.Periods && !all.IsCancellationRequested; segment++)
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(all.Token);
                segmentStop = stop;
                bool restart = false;
                long first = start;
                var config = new RunConfig
                {
                    Model = scenario.Model,
                    Sim = map is null ? scenario.Plant : null,
                    Devices = map,
                    Simulate = map is not null && target == HilTargets.Sim,
                    RateHz = scenario.RateHz,
                    DurationSeconds = (scenario.Periods - start) / scenario.RateHz,
                    TicksPerPeriod = scenario.TicksPerPeriod,
                    Plasticity = scenario.Plasticity,
                    OverrunPolicy = scenario.OverrunPolicy,
                    Backend = scenario.Backend,
                    Checkpoint = needsCheckpoint ? checkpoint : null,
                };
                using var bridge = new BridgeDeviceProvider(log: log.Warning);
                var runnerContext = new RunnerContext
                {
                    Relay = relay,
                    Mcu = mcu,
                    SendSigterm = () =>
                    {
                        Volatile.Write(ref expectSigterm, 1);
                        Native.Kill(Native.GetPid(), Native.SIGTERM);
                    },
                    Restart = () =>
                    {
                        restart = true;
                        stop.Cancel();
                    },
                };
                bool sim = target == HilTargets.Sim && scenario.Plant is not null && map is null;
                var env = new RunEnvironment
                {
                    Log = log,
                    Cancellation = stop.Token,
                    StatusInterval = TimeSpan.FromSeconds(1),
                    DeviceProviders = [bridge],
                    Backends = options.Backends,
                    WarmupPeriods = options.WarmupPeriods,
                    PongPerturbations = sim && scenario.Plant == "pong" ? [.. Perturbations(scenario, first).Select(x => x.Step.Pong!.Value with { AtTick = x.At })] : [],
                    ServoPerturbations = sim && scenario.Plant == "servo" ? [.. Perturbations(scenario, first).Select(x => x.Step.Servo!.Value with { AtStep = x.At })] : [],
                    RecordPath = options.RecordDirectory is { } dir ? Path.Combine(dir, $"{Slug(scenario.Name)}-run{segment}.ifmrec") : null,
                    Attach = binding => hook = Attach(run, binding, segment, first, timeOffsetNs, bridge, needsCheckpoint ? checkpoint : null),
                };

                using var director = new Director(scenario, run, () => hook, runnerContext, first, stop.Token);
                RunReport report = RunHost.Run(config, env);
                director.Finish();
                foreach (CheckpointStep c in scenario.Steps.OfType<CheckpointStep>())
                {
                    if (c.StartedAt >= first) run.Checkpoints.Add(c.Finish());
                }

                LoopResult r = report.Loop;
                string reason = r.Reason switch
                {
                    StopReason.Completed => "completed",
                    StopReason.Overrun => "overrun",
                    StopReason.Fault => "fault",
                    _ => restart ? "restart" : "cancelled",
                };
                long end = first + r.Periods;
                foreach (ScenarioStep s in scenario.Steps)
                {
                    if (s.Thread == StepThread.Loop && s.StartedAt >= first && s.StartedAt <= end) run.Events.Add(new StepEvent(s, s.StartedAt, "applied on the loop thread"));
                    if (s.Thread == StepThread.Setup && segment == 0 && s.Period < end) run.Events.Add(new StepEvent(s, s.Period, "scheduled in the plant before the run"));
                    if (s.Thread == StepThread.Loop) s.StartedAt = -1;
                }

                run.Segments.Add(new SegmentResult(segment, first, end, reason, r.Fault?.Message ?? r.OverrunDetail, r.SafeStateFailures, report.ExitCode,
                    report.Statistics.AllocatedBytesPerPeriod, report.Statistics.SteadyPeriods));
                if (!restart || r.Periods == 0) break;
                timeOffsetNs = run.Trace is { } t && end > 0 ? t.StartNs[end - 1] + (long)(1e9 / scenario.RateHz) : 0;
                start = end;
            }
        }
        finally
        {
            mcu?.Dispose();
            relay?.Dispose();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }

            if (mcu is not null) run.McuLines.AddRange(mcu.Lines);
        }

        if (run.Trace is { } trace && mcu is not null) FillMcuCounters(run, trace);
        run.Log = logText.ToString();
        if (interrupted) run.Interrupted = "interrupted by a signal";
        else if (all.IsCancellationRequested && !options.Cancellation.IsCancellationRequested) run.Interrupted = "timed out";
        else if (options.Cancellation.IsCancellationRequested) run.Interrupted = "cancelled";
        return run;
    }

    private static ScenarioHook Attach(RunRecord run, RunBinding b, int segment, long first, long timeOffsetNs, BridgeDeviceProvider bridge, string? checkpoint)
    {
        DeviceSet devices = b.Devices;
        run.Trace ??= new Trace(run.Scenario.Periods, devices.SensorChannelNames, devices.ActuatorChannelNames, b.Model.OutputNames);
        var errors = new List<string>();
        var bind = new BindContext(devices, devices.SensorChannelNames);
        foreach (ScenarioStep s in run.Scenario.Steps) s.Bind(bind, errors);
        if (errors.Count > 0) throw new ScenarioException(run.Scenario.Source, errors);
        if (segment > 0 && checkpoint is not null) run.Restores.Add(CompareRestored(segment, b.Session, b.Model.IsPlastic, checkpoint));
        return new ScenarioHook(run.Trace, segment, first, timeOffsetNs, run.Scenario.Steps.Where(s => s.Thread == StepThread.Loop), devices, b.Session,
            b.Simulation, bridge.Links.Values.Select(l => l.Counters));
    }

    private static RestoreCheck CompareRestored(int segment, INetworkSession session, bool plastic, string checkpoint)
    {
        if (!plastic) return new(segment, false, "the model is not plastic: there is no learned state to save and restore");
        if (!File.Exists(checkpoint)) return new(segment, false, "the previous run saved no checkpoint (plasticity off?)");
        var (equal, detail) = StateComparison.Compare(Checkpoint.Read(checkpoint), session.Snapshot());
        return new(segment, equal, detail);
    }

    /// <summary>The device map for the target: null for a simulated built-in plant; bridge ports rewritten to the run's link.</summary>
    private static string? PrepareMap(Scenario scenario, string target, HilOptions options, string work, ref PtyRelay? relay)
    {
        if (target == HilTargets.Sim) return scenario.Devices;
        string port;
        if (target == HilTargets.VirtualMcu)
        {
            relay = new PtyRelay();
            port = relay.HostPath;
        }
        else
        {
            port = options.SerialPort!;
        }

        string plant = scenario.Plant ?? "pong";
        string text = scenario.Devices is { } d ? File.ReadAllText(d) : BuiltInBridgeMap(plant);
        text = WithBridgePort(text, port, scenario.Devices ?? $"the built-in {plant} bridge map");
        string path = Path.Combine(work, "map.json");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>devices/examples/{plant}-bridge.json (embedded): the built-in plant's channels on the MCU, named as in its simulated map.</summary>
    private static string BuiltInBridgeMap(string plant)
    {
        using Stream s = typeof(HilRunner).Assembly.GetManifestResourceStream($"Ifm.Hil.{plant}-bridge.json") ?? throw new InvalidOperationException($"{plant}-bridge.json is not embedded");
        using var reader = new StreamReader(s);
        return reader.ReadToEnd();
    }

    private static IEnumerable<(PerturbStep Step, long At)> Perturbations(Scenario scenario, long first) =>
        scenario.Steps.OfType<PerturbStep>().Select(s => (s, Math.Max(0, s.Period - first)));

    private static IEnumerable<string> McuPerturbations(Scenario scenario) => scenario.Steps.OfType<PerturbStep>().Select(s => s.Pong is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"{s.Period}:{p.PaddleSensorOffset}:{p.PaddleSpeed}")
        : string.Create(CultureInfo.InvariantCulture, $"{s.Period}:{s.Servo!.Value.Gain}:{s.Servo.Value.Friction}:{s.Servo.Value.Load}"));

    /// <summary>
    /// The MCU's Pong counters come in its <c>EVENT ball</c> line for every ball (the runner starts it with --events) and in its
    /// STATUS lines (hits=, misses=, since its boot): cumulated over reboots, held from the period the line arrived in.
    /// </summary>
    private static void FillMcuCounters(RunRecord run, Trace trace)
    {
        var samples = new List<(long Period, long Hits, long Misses)>();
        long hits = 0, misses = 0, lastH = 0, lastM = 0;
        foreach (var (period, line) in run.McuLines)
        {
            if (!line.StartsWith("STATUS ", StringComparison.Ordinal) && !line.StartsWith("EVENT ball ", StringComparison.Ordinal)) continue;
            if (StatusCount(line, "hits=") is not { } nh || StatusCount(line, "misses=") is not { } nm) continue;
            hits += nh >= lastH ? nh - lastH : nh; // a smaller count: the MCU rebooted and counts from 0
            misses += nm >= lastM ? nm - lastM : nm;
            (lastH, lastM) = (nh, nm);
            samples.Add((period, hits, misses));
        }

        int k = 0;
        (long h, long mi) = samples.Count == 0 ? (-1, -1) : (0, 0);
        for (long p = 0; p < trace.Count; p++)
        {
            while (k < samples.Count && samples[k].Period <= p) (h, mi) = (samples[k].Hits, samples[k++].Misses);
            (trace.Hits[p], trace.Misses[p]) = (h, mi);
        }

        // Lines after the last period (the status the MCU prints when it exits) count for the last period.
        if (trace.Count > 0 && samples.Count > 0) (trace.Hits[trace.Count - 1], trace.Misses[trace.Count - 1]) = (samples[^1].Hits, samples[^1].Misses);
    }

    /// <summary>The map with every bridge device's <c>port</c> set to <paramref name="port"/> (other devices, e.g. a serial_line, keep theirs).</summary>
    private static string WithBridgePort(string json, string port, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ScenarioException(source, [$"not valid JSON: {e.Message}"]);
        }

        using (doc)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                CopyWithPort(w, doc.RootElement, port);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    private static void CopyWithPort(Utf8JsonWriter w, JsonElement e, string port)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                bool bridge = e.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
                    && t.GetString() is BridgeDeviceTypes.SensorType or BridgeDeviceTypes.ActuatorType;
                w.WriteStartObject();
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    if (bridge && p.NameEquals("port"))
                    {
                        w.WriteString("port", port);
                        continue;
                    }

                    w.WritePropertyName(p.Name);
                    CopyWithPort(w, p.Value, port);
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (JsonElement x in e.EnumerateArray()) CopyWithPort(w, x, port);
                w.WriteEndArray();
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }

    /// <summary>The number after <paramref name="key"/> (e.g. "hits=") in an MCU STATUS line; null when absent.</summary>
    private static long? StatusCount(string line, string key)
    {
        int at = line.IndexOf(key, StringComparison.Ordinal);
        if (at < 0 || (at > 0 && line[at - 1] != ' ')) return null;
        int start = at + key.Length, end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end])) end++;
        return end > start && long.TryParse(line.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
    }

    private static string Slug(string name) => string.Create(name.Length, name, static (dst, src) =>
    {
        for (int i = 0; i < src.Length; i++)
        {
            char c = src[i];
            dst[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-';
        }
    });

    /// <summary>Fires the runner-thread steps when the loop reaches their period (polls every millisecond).</summary>
    private sealed class Director : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _done;

        public Director(Scenario scenario, RunRecord run, Func<ScenarioHook?> hook, RunnerContext context, long first, CancellationToken stop)
        {
            ScenarioStep[] steps = [.. scenario.Steps.Where(s => s.Thread == StepThread.Runner && s.Period >= first).OrderBy(s => s.Period)];
            _thread = new Thread(() =>
            {
                int next = 0;
                while (!_done && next < steps.Length)
                {
                    long p = hook()?.Period ?? -1;
                    while (next < steps.Length && steps[next].Period <= p)
                    {
                        ScenarioStep s = steps[next++];
                        string outcome = s.Fire(context);
                        lock (run.Events) run.Events.Add(new StepEvent(s, Math.Max(p, s.Period), outcome));
                        if (s is RestartStep or SigtermStep) return;
                    }

                    Thread.Sleep(1);
                }
            }) { Name = "ifm-hil-director", IsBackground = true };
            _thread.Start();
        }

        public void Finish()
        {
            _done = true;
            _thread.Join();
        }

        public void Dispose() => Finish();
    }
}
