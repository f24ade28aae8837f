using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Hosting;
using Ifm.Control.Loop;
using Ifm.Control.Service;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.FirmwareBridge.Devices;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm run</c>: runs a model in the real-time control loop against a device map (real hardware) or a built-in
/// simulated plant, with a live status line and a final report; under systemd a Type=notify service with the
/// watchdog fed by the loop.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "Path of the .ifm model file (or \"model\" in --config).", Arity = ArgumentArity.ZeroOrOne };
        var config = new Option<string?>("--config") { Description = "Run configuration file (JSON); command-line options override its values." };
        var devices = new Option<string?>("--devices") { Description = "Device map (JSON) binding sensors and actuators to the model's neurons." };
        var sim = new Option<string?>("--sim") { Description = "Built-in simulated plant: pong, pavlov or servo (its example map is used when --devices is not given)." };
        sim.AcceptOnlyFromAmong("pong", "pavlov", "servo");
        var simulate = new Option<bool>("--simulate") { Description = "Bind every device of --devices to its simulator (register maps, edge timing, plants): dry-run a robot's map and model without hardware." };
        var rate = new Option<double?>("--rate") { Description = "Loop rate in Hz (default: the map's loopRateHz)." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: until Ctrl-C / SIGTERM / SIGHUP; the Pavlov plant stops after its schedule)." };
        var ticks = new Option<int?>("--ticks") { Description = "Network ticks per period (default 1)." };
        var plasticity = new Option<string?>("--plasticity") { Description = "Run the model's plasticity rules (on, default) or freeze the weights (off)." };
        plasticity.AcceptOnlyFromAmong("on", "off");
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Learned-state file: loaded at start when it exists, saved at stop (plastic models)." };
        var checkpointInterval = new Option<double?>("--checkpoint-interval") { Description = "Also save the learned state every this many seconds." };
        var overrun = new Option<string?>("--overrun-policy") { Description = "On a deadline overrun: count (default), skip (drop missed slots) or safe-stop." };
        overrun.AcceptOnlyFromAmong("count", "skip", "safe-stop");
        var nonFinite = new Option<string?>("--non-finite-policy") { Description = "On a NaN or infinite network output: fault (default: safe state, exit 1), hold (write the last finite outputs) or reset (also restore the last finite state)." };
        nonFinite.AcceptOnlyFromAmong([.. NonFinitePolicies.Names]);
        var priority = new Option<int?>("--rt-priority") { Description = "SCHED_FIFO priority 1..99 for the loop thread." };
        var cpus = new Option<string?>("--cpus") { Description = "Pin the loop thread to these CPUs, e.g. 2,3." };
        var mlock = new Option<bool?>("--mlock") { Description = "Lock the process's memory (mlockall)." };
        var backend = BackendOptions.CreateBackend(defaultCpu: false);
        var openclDevice = new Option<string?>("--opencl-device") { Description = "OpenCL device: platform:device or a name." };
        var statusInterval = new Option<double?>("--status-interval") { Description = "Seconds between status updates (default 0.5 on a terminal, 10 otherwise)." };
        var perturb = new Option<string[]>("--perturb")
        {
            Description = "Perturb the simulated plant from a period on (repeatable): --sim pong TICK:OFFSET:SPEED (paddle sensor offset px, paddle speed px; nominal 0:7), --sim servo STEP:GAIN:FRICTION:LOAD (nominal 1:0.1:0).",
            AllowMultipleArgumentsPerToken = true,
        };
        var threads = new Option<int?>("--threads") { Description = "Threads of the CPU tick (default 1; results are bit-identical to one thread; the loop thread is one of them)." };
        var spinUs = new Option<double>("--spin-us") { Description = "Microseconds before each deadline spent spinning instead of sleeping.", DefaultValueFactory = _ => 200 };

        var cmd = new Command("run", "Run a model in the real-time control loop: read → encode → step → decode → write at a fixed rate.")
        {
            model, config, devices, sim, simulate, rate, duration, ticks, plasticity, checkpoint, checkpointInterval, overrun, nonFinite, priority, cpus, mlock,
            backend, openclDevice, statusInterval, spinUs, perturb, threads,
        };
        var record = new RecordOptions();
        record.AddTo(cmd);
        var dashboard = new Option<string?>("--dashboard") { Description = "Serve the live dashboard on this loopback HOST:PORT, e.g. 127.0.0.1:8080 (the URL with its token is printed at start)." };
        var dashboardBind = new Option<string?>("--dashboard-bind") { Description = "Serve the dashboard on this HOST:PORT even when it is not loopback (e.g. 0.0.0.0:8080); every request then needs the token." };
        var metricsAt = new Option<string?>("--metrics") { Description = "Serve Prometheus text metrics at http://HOST:PORT/metrics, e.g. 127.0.0.1:9464." };
        cmd.Options.Add(dashboard);
        cmd.Options.Add(dashboardBind);
        cmd.Options.Add(metricsAt);
        cmd.SetAction(r =>
        {
            RunConfig c = r.GetValue(config) is { } path ? RunConfigLoader.Load(path, BackendOptions.Available()) : new RunConfig();

            if (r.GetValue(model) is { } m) c.Model = m;
            if (r.GetValue(devices) is { } d) c.Devices = d;
            if (r.GetValue(sim) is { } s) c.Sim = s;
            if (r.GetValue(simulate)) c.Simulate = true;
            if (r.GetValue(rate) is { } hz) c.RateHz = hz;
            if (r.GetValue(duration) is { } dur) c.DurationSeconds = dur;
            if (r.GetValue(ticks) is { } k) c.TicksPerPeriod = k;
            if (r.GetValue(plasticity) is { } p) c.Plasticity = p;
            if (r.GetValue(checkpoint) is { } ck) c.Checkpoint = ck;
            if (r.GetValue(checkpointInterval) is { } ci) c.CheckpointIntervalSeconds = ci;
            if (r.GetValue(overrun) is { } ov) c.OverrunPolicy = ov;
            if (r.GetValue(nonFinite) is { } nf) c.NonFinitePolicy = nf;
            if (r.GetValue(priority) is { } pr) c.Realtime.Priority = pr;
            if (r.GetValue(cpus) is { } cl) c.Realtime.Cpus = ParseCpus(cl);
            if (r.GetValue(mlock) is { } ml) c.Realtime.Mlock = ml;
            if (r.GetValue(backend) is { } b) c.Backend = b;
            if (r.GetValue(openclDevice) is { } od) c.OpenclDevice = od;
            if (r.GetValue(threads) is { } th) c.Threads = th;
            if (string.IsNullOrEmpty(c.Model)) throw new CliException("no model: give the .ifm file as an argument or \"model\" in --config");
            var errors = RunConfigLoader.Validate(c, requireModel: true, BackendOptions.Available());
            if (errors.Count > 0) throw new CliException(string.Join("; ", errors.Select(e => e.Replace("devices: required", "--devices: required", StringComparison.Ordinal))));

            string[] perturbations = r.GetValue(perturb) ?? [];
            if (perturbations.Length > 0 && c.Sim is not ("pong" or "servo")) throw new CliException("--perturb needs --sim pong or --sim servo");
            PongPerturbation[] pongPerturbations = c.Sim == "pong" ? [.. perturbations.Select(EvalCommand.ParsePongPerturbation)] : [];
            ServoPerturbation[] servoPerturbations = c.Sim == "servo" ? [.. perturbations.Select(EvalCommand.ParseServoPerturbation)] : [];
            if (r.GetValue(dashboard) is not null && r.GetValue(dashboardBind) is not null) throw new CliException("give --dashboard (loopback) or --dashboard-bind (any address), not both");
            System.Net.IPEndPoint? dashAt = null, metricsEndpoint = null;
            try
            {
                if (r.GetValue(dashboard) is { } dl)
                {
                    dashAt = Ifm.Control.Dashboard.HttpEndpoint.Parse(dl, "--dashboard");
                    if (!System.Net.IPAddress.IsLoopback(dashAt.Address)) throw new CliException($"--dashboard: {dashAt.Address} is not a loopback address; to serve other machines use --dashboard-bind {dl} (then every request needs the token)");
                }

                if (r.GetValue(dashboardBind) is { } db) dashAt = Ifm.Control.Dashboard.HttpEndpoint.Parse(db, "--dashboard-bind");
                if (r.GetValue(metricsAt) is { } ma) metricsEndpoint = Ifm.Control.Dashboard.HttpEndpoint.Parse(ma, "--metrics");
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }

            OutputMode mode = RunLog.Detect(Console.IsOutputRedirected);
            var log = new RunLog(Console.Out, Console.Error, mode);
            using var stop = new CancellationTokenSource();
            using var signals = StopSignals.Register(stop); // SIGINT, SIGTERM and SIGHUP: an orderly stop
            using var notifier = SystemdNotifier.FromEnvironment();

            // MCU channels behind the firmware bridge (bridge_sensor / bridge_actuator in the map). Disposed last:
            // RunHost has already put every actuator in its safe state and released the devices.
            using var bridge = new BridgeDeviceProvider(log: log.Warning);
            Ifm.Devices.Catalog.CatalogTypes.Register(); // the dotnet/iot catalog's types (pca9685 boards, ads1115, …)
            var env = new RunEnvironment
            {
                Log = log,
                Cancellation = stop.Token,
                Notifier = notifier,
                StatusInterval = TimeSpan.FromSeconds(r.GetValue(statusInterval) ?? (mode == OutputMode.Terminal ? 0.5 : 10)),
                StallFile = Environment.GetEnvironmentVariable("IFM_TEST_STALL_FILE") is { Length: > 0 } stall ? stall : null,
                SpinWindow = TimeSpan.FromMicroseconds(Math.Max(0, r.GetValue(spinUs))),
                DeviceProviders = [bridge],
                Backends = BackendOptions.Available(c.OpenclDevice),
                PongPerturbations = pongPerturbations,
                ServoPerturbations = servoPerturbations,
                RecordPath = record.Path(r),
                RecorderOptions = record.Options(r),
                Dashboard = dashAt,
                DashboardAllowRemote = r.GetValue(dashboardBind) is not null,
                Metrics = metricsEndpoint,
            };
            int exit = RunHost.Run(c, env).ExitCode;
            foreach (var (port, link) in bridge.Links)
            {
                log.Info($"  bridge link {port}: {link.Counters}");
            }

            return exit;
        });
        return cmd;
    }

    private static List<int> ParseCpus(string text)
    {
        var list = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int cpu)) throw new CliException($"--cpus: '{part}' is not a CPU number (expected e.g. 2,3)");
            list.Add(cpu);
        }

        return list;
    }
}
