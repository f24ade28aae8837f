using System.Globalization;
using Ifm.Control.Checkpoints;
using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Loop;
using Ifm.Control.RealTime;
using Ifm.Control.Simulation;
using Ifm.Devices;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Learning;
using Ifm.Runtime.Model;
using Ifm.Runtime.Persistence;

namespace Ifm.Control.Hosting;

/// <summary>
/// Runs a model against its devices: loads and binds everything, runs the <see cref="ControlLoop"/> on its own
/// thread (real-time settings apply to that thread only), shows status, handles stop requests, saves learned state
/// and reports. The lifecycle, with the sd_notify messages a Type=notify service sees:
/// configure → bind devices → loop thread started (READY=1) → periods (WATCHDOG=1 from the loop) → stop requested
/// or loop ended (STOPPING=1) → safe state → final checkpoint → report.
/// </summary>
public static class RunHost
{
    public static RunReport Run(RunConfig config, RunEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(env);
        var errors = RunConfigLoader.Validate(config, requireModel: true, env.Backends);
        if (errors.Count > 0) throw new RunConfigException("run configuration", errors);
        RunLog log = env.Log;
        var inv = CultureInfo.InvariantCulture;

        if (!File.Exists(config.Model)) throw new RunConfigException("run configuration", [$"model: file '{config.Model}' does not exist"]);
        IfmModel model = Ifm.Runtime.Format.IfmFile.Read(config.Model!);

        DeviceMap map;
        string mapName;
        if (config.Devices is not null)
        {
            if (!File.Exists(config.Devices)) throw new RunConfigException("run configuration", [$"devices: file '{config.Devices}' does not exist"]);
            map = DeviceMap.Load(config.Devices);
            mapName = config.Devices;
        }
        else
        {
            map = BuiltInPlants.LoadMap(config.Sim!);
            mapName = $"built-in {config.Sim}-sim map";
            if (BuiltInPlants.FitNames(map, model, config.Sim!) is { } note) log.Info(note);
        }

        double rate = config.RateHz ?? map.LoopRateHz;
        map.LoopRateHz = rate;
        foreach (DeviceSpec d in map.Devices)
        {
            if (d.RateHz > rate) log.Warning(string.Create(inv, $"device '{d.Name}' asks for {d.RateHz} Hz but the loop runs at {rate} Hz: it runs every period"));
        }

        var loopOptionsBase = new LoopOptions { RateHz = rate, TicksPerPeriod = config.TicksPerPeriod };
        loopOptionsBase.Validate();

        IHardwareFactory hardware = config.Simulate ? SimulatedHardware.ForMap(map)
            : config.Sim is null ? new LinuxHardware() : BuiltInPlants.CreateHardware(config.Sim, rate, env.PavlovSchedule, env.PongPerturbations, env.ServoPerturbations);
        IReadOnlyList<IDeviceProvider> providers = config.Simulate ? [] : env.DeviceProviders;
        var sim = hardware as SimulatedHardware;
        IHardwareFactory? unbound = hardware;

        BackendChoice choice = env.Backends.Create(model, config.Backend, new SessionOptions { Threads = config.Threads });
        INetworkSession session = choice.Session;
        string backendNote = config.Backend != BackendList.Auto ? choice.Backend
            : choice.Reason is null ? $"{choice.Description} (auto)" : $"{choice.Description} (auto: {choice.Reason})";
        BackgroundCheckpointWriter? writer = null, guardWriter = null;
        LearningController? signals = null;
        DeviceSet? devices = null;
        Recording.RunRecorder? recorder = null;
        Dashboard.DashboardServer? dashboard = null;
        Dashboard.PrometheusEndpoint? prometheus = null;
        try
        {
            bool learn = config.Plasticity == "on" && model.IsPlastic;
            session.Plasticity.Enabled = config.Plasticity == "on";
            if (config.Checkpoint is { } ckpt && model.IsPlastic && File.Exists(ckpt))
            {
                Checkpoint.Load(session, ckpt);
                log.Info($"resumed learned state from {ckpt} (tick {session.Tick})");
            }

            if (config.Checkpoint is not null && learn)
            {
                // Found out now, not after an hour of learning that then cannot be saved.
                Ifm.Runtime.Format.AtomicFile.CheckWritable(config.Checkpoint);
                writer = new BackgroundCheckpointWriter(session, config.Checkpoint);
            }

            devices = DeviceSet.Bind(map, model.InputNames, model.OutputNames, hardware, ownsHardware: true, sourceName: mapName, providers);
            unbound = null; // owned by the device set now

            // Learning signals: the map's learning object, each key overridden by the run configuration's.
            LearningSpec? spec = map.Learning is { ValueKind: not System.Text.Json.JsonValueKind.Null } element ? LearningSpec.Parse(element, $"{mapName}: learning") : null;
            if (config.Learning is { } overrides) spec = (spec ?? new LearningSpec()).MergedWith(overrides);
            if (spec is { IsEmpty: false })
            {
                if (spec.Watchdog?.Checkpoint is { } guardPath)
                {
                    Ifm.Runtime.Format.AtomicFile.CheckWritable(guardPath);
                    guardWriter = new BackgroundCheckpointWriter(session, guardPath);
                }

                var persist = guardWriter is { } gw ? gw.Offer : (Action<SessionState>?)null;
                // A built-in sim map binds the errors its PES players learn from (pong-sim: the contact sensor); a model
                // with other rules runs on the same map, so there an unused binding is a note. A user's map stays strict.
                bool errorsOptional = config.Devices is null && config.Learning?.Errors is null;
                signals = LearningController.Create(spec, session, devices.SensorChannelNames, config.Learning is null ? mapName : "learning (map and run configuration)",
                    persist: persist, errorsOptional: errorsOptional);
                log.Info($"learning: {signals.Describe()}");
                foreach (string note in signals.Notes) log.Warning(note);
            }

            if (env.RecordPath is { } recordPath)
            {
                recorder = new Recording.RunRecorder(recordPath, new Recording.RecordingMetadata
                {
                    Source = "run",
                    ModelName = model.Name,
                    NeuronCount = model.NeuronCount,
                    EdgeCount = model.EdgeCount,
                    RateHz = rate,
                    TicksPerPeriod = config.TicksPerPeriod,
                    InputNames = model.InputNames,
                    OutputNames = model.OutputNames,
                    ActuatorNames = devices.ActuatorChannelNames,
                }, env.RecorderOptions ?? new Recording.RecorderOptions(), session);
                log.Info($"recording every period to {recorder.Path} (neurons: {recorder.Layout.Metadata.Neurons.ToString().ToLowerInvariant()}, {recorder.Layout.RecordBytes} bytes a period, ring of {recorder.RingCapacity})");
            }

            long? maxPeriods = config.DurationSeconds is { } dur ? (long)Math.Round(dur * rate)
                : sim?.Pavlov is { } plant ? plant.Schedule.TotalPeriods : null;
            if (maxPeriods is <= 0)
                throw new RunConfigException("run configuration", [string.Create(inv, $"durationSeconds: {config.DurationSeconds} s at {rate} Hz is less than one period")]);
            var options = loopOptionsBase with
            {
                OverrunPolicy = OverrunPolicies.TryParse(config.OverrunPolicy, out var policy) ? policy : OverrunPolicy.Count,
                NonFinitePolicy = NonFinitePolicies.TryParse(config.NonFinitePolicy, out var nonFinite) ? nonFinite : NonFinitePolicy.Fault,
                NonFiniteLimit = config.NonFiniteLimit,
                MaxPeriods = maxPeriods,
                Watchdog = env.Notifier,
                CheckpointInterval = writer is not null && config.CheckpointIntervalSeconds is { } ci ? TimeSpan.FromSeconds(ci) : null,
                CheckpointWriter = writer,
                StallFile = env.StallFile,
                SpinWindow = env.SpinWindow,
                Recorder = recorder,
                WarmupPeriods = env.WarmupPeriods ?? loopOptionsBase.WarmupPeriods,
                Hook = env.Attach?.Invoke(new RunBinding(model, session, devices, sim, rate, maxPeriods)),
                Learning = signals,
                Live = env.Dashboard is null ? null : new Dashboard.LiveSnapshot(model.InputCount, model.OutputCount, devices.ActuatorChannelCount, session),
            };
            var loop = new ControlLoop(session, devices, options);
            if (env.Dashboard is { } dashAt)
            {
                dashboard = new Dashboard.DashboardServer(dashAt, env.DashboardAllowRemote, options.Live!, loop.Statistics, new Dashboard.DashboardSummary
                {
                    ModelName = model.Name, NeuronCount = model.NeuronCount, EdgeCount = model.EdgeCount, Plastic = model.IsPlastic, RateHz = rate,
                    Backend = backendNote, DeviceMap = mapName, InputNames = model.InputNames, OutputNames = model.OutputNames,
                    ActuatorNames = devices.ActuatorChannelNames, Devices = [.. devices.Counters.Select(c => $"{c.Name} ({c.Type})")],
                    CanCheckpoint = writer is not null,
                });
                log.Info($"dashboard: {dashboard.Url} (the token is needed for its buttons{(env.DashboardAllowRemote ? " and, on this address, for every request" : "")})");
            }

            if (env.Metrics is { } metricsAt)
            {
                prometheus = new Dashboard.PrometheusEndpoint(metricsAt, loop.Statistics, rate);
                log.Info($"metrics: http://{prometheus.Endpoint}/metrics (Prometheus text format)");
            }
            var realtime = new RealTimeSettings(config.Realtime.Priority, config.Realtime.Cpus, config.Realtime.Mlock);

            string length = maxPeriods is { } mp ? $", {mp} periods" : ", until stopped";
            log.Info(string.Create(inv, $"ifm run: model '{model.Name}' ({model.NeuronCount} neurons, {model.EdgeCount} edges{(model.IsPlastic ? ", plastic" : "")}), devices {mapName} ({map.Devices.Count}{(config.Simulate ? ", simulated" : "")}), {rate:0.###} Hz × {config.TicksPerPeriod} tick(s), backend {backendNote}{(config.Threads > 1 ? $", {config.Threads} threads" : "")}, plasticity {(learn ? "on" : model.IsPlastic ? "off" : "none in the model")}, overrun policy {OverrunPolicies.Name(options.OverrunPolicy)}, non-finite policy {NonFinitePolicies.Name(options.NonFinitePolicy)}{length}"));

            using var metrics = new LoopMetrics(loop.Statistics, rate);
            LoopResult? result = null;
            using var configured = new ManualResetEventSlim();
            using var go = new ManualResetEventSlim();
            IReadOnlyList<RealTimeOutcome> rt = [];
            var thread = new Thread(() =>
            {
                rt = realtime.ApplyToCurrentThread();
                configured.Set();
                go.Wait();
                result = loop.Run(env.Cancellation);
            }) { Name = "ifm-loop", IsBackground = true };
            thread.Start();
            configured.Wait();
            foreach (RealTimeOutcome o in rt)
            {
                if (o.Applied) log.Info(o.Message);
                else log.Warning(o.Message);
            }

            // READY=1 before the first period, so the service manager sees it before any WATCHDOG=1.
            env.Notifier?.Ready();
            go.Set();
            var status = new StatusLine(loop.Statistics, rate, learn);
            bool stoppingSent = false;
            int rollbacksLogged = 0;
            void LogRollbacks()
            {
                // The loop thread never logs: a rollback it made is reported from here.
                if (signals?.Watchdog is { } wd && wd.Rollbacks > rollbacksLogged)
                {
                    rollbacksLogged = wd.Rollbacks;
                    log.Warning($"learning watchdog: {wd.LastMessage}");
                }
            }

            while (!thread.Join(env.StatusInterval))
            {
                LogRollbacks();
                if (env.Cancellation.IsCancellationRequested)
                {
                    if (!stoppingSent) env.Notifier?.Stopping();
                    stoppingSent = true;
                    if (!thread.Join(env.StopTimeout))
                    {
                        // The loop is stuck inside a stage: drive the actuators from here (best effort) and give up.
                        int failed = devices.EnterSafeState();
                        log.Error($"the control loop did not stop within {env.StopTimeout.TotalSeconds:0.#} s; actuators forced to their safe state" +
                            (failed > 0 ? $" ({failed} failed)" : ""));
                        return new RunReport(1, new LoopResult(StopReason.Fault, loop.Statistics.Periods, new TimeoutException("loop did not stop"), null, failed),
                            loop.Statistics, sim, null);
                    }

                    break;
                }

                string line = status.Format();
                log.Status(line);
                if (log.Mode != OutputMode.Terminal) env.Notifier?.Status(line);
            }

            if (!stoppingSent) env.Notifier?.Stopping();
            LogRollbacks();
            LoopResult r = result!;

            string? saved = null;
            bool saveFailed = false;
            if (writer is not null)
            {
                try
                {
                    writer.WriteNow(session.Snapshot());
                    saved = writer.Path;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CheckpointException)
                {
                    log.Error($"could not save the learned state to {writer.Path}: {e.Message}");
                    saveFailed = true;
                }
            }

            if (recorder is not null)
            {
                recorder.Dispose();
                string dropped = recorder.Dropped > 0 ? $", {recorder.Dropped} dropped (the writer fell behind)" : "";
                string rotated = recorder.Rotations > 0 ? $", rotated {recorder.Rotations} time(s) at the size limit" : "";
                log.Info($"recorded {recorder.Written} periods to {recorder.Path}{dropped}{rotated}");
                if (recorder.WriterError is { } we) log.Error($"the recording stopped early: {we.Message}");
            }

            // A fault exits as its error code says (1; 70 when it is a bug, not a device or backend failure); a run whose
            // learned state could not be kept has failed, however well the loop ran.
            int exit = r.Reason is StopReason.Completed or StopReason.Cancelled && r.SafeStateFailures == 0 && !saveFailed ? 0
                : r.Fault is { } fault ? Ifm.Core.IfmErrors.ExitCode(Ifm.Core.IfmErrors.CodeOf(fault)) : 1;
            FinalReport.Write(log, r, loop.Statistics, options, session, sim, saved, devices);
            return new RunReport(exit, r, loop.Statistics, sim, saved);
        }
        finally
        {
            dashboard?.Dispose();
            prometheus?.Dispose();
            recorder?.Dispose();
            writer?.Dispose();
            guardWriter?.Dispose();
            devices?.Dispose();
            unbound?.Dispose();
            session.Dispose();
        }
    }
}
