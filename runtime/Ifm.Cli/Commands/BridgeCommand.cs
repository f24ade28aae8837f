using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ifm.FirmwareBridge.Link;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm bridge probe|monitor &lt;port&gt;</c>: talk to a microcontroller (or the virtual MCU) over the firmware bridge.</summary>
internal static class BridgeCommand
{
    public static Command Create()
    {
        var cmd = new Command("bridge", "Inspect the serial link to a microcontroller running the IFM firmware bridge.");
        cmd.Subcommands.Add(Probe());
        cmd.Subcommands.Add(Monitor());
        return cmd;
    }

    private static Argument<string> PortArgument() =>
        new("port") { Description = "Serial device, e.g. /dev/ttyACM0 or one end of a socat pty pair." };

    private static Option<int> BaudOption() =>
        new Option<int>("--baud") { Description = "Baud rate (ignored on pseudo-terminals).", DefaultValueFactory = _ => 115200 }.Positive();

    private static Option<int> TimeoutOption() =>
        new Option<int>("--timeout-ms") { Description = "How long to wait for the MCU's HELLO.", DefaultValueFactory = _ => 5000 }.Positive();

    private static Command Probe()
    {
        var port = PortArgument();
        var baud = BaudOption();
        var timeout = TimeoutOption();
        var count = new Option<int>("--count") { Description = "Round trips to measure.", DefaultValueFactory = _ => 100 }.Positive();
        var cmd = new Command("probe", "Connect, show the MCU's HELLO (firmware, channels, safe values) and measure round-trip latency.")
        {
            port, baud, timeout, count,
        };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(port)!;
            using var client = Connect(path, r.GetValue(baud), r.GetValue(timeout));
            var o = Console.Out;
            var c = CultureInfo.InvariantCulture;
            var caps = client.Capabilities!;
            o.WriteLine(string.Create(c, $"port        {path}"));
            o.WriteLine(string.Create(c, $"firmware    {caps.FirmwareVersion}  (boot id {caps.BootId:x8}, protocol v{FirmwareBridge.Protocol.ProtocolConstants.Version})"));
            o.WriteLine(string.Create(c, $"sensors     {caps.Sensors.Count}"));
            for (int i = 0; i < caps.Sensors.Count; i++)
            {
                var s = caps.Sensors[i];
                o.WriteLine(string.Create(c, $"  s{i,-3} {s.Kind.ToString().ToLowerInvariant(),-9} [{s.Min:G6}, {s.Max:G6}]"));
            }

            o.WriteLine(string.Create(c, $"actuators   {caps.Actuators.Count}"));
            for (int i = 0; i < caps.Actuators.Count; i++)
            {
                var a = caps.Actuators[i];
                o.WriteLine(string.Create(c, $"  a{i,-3} {a.Kind.ToString().ToLowerInvariant(),-9} [{a.Min:G6}, {a.Max:G6}]  safe {a.SafeValue:G6}"));
            }

            var rtt = new List<double>();
            for (int i = 0; i < r.GetValue(count); i++)
            {
                TimeSpan? t = client.Ping(TimeSpan.FromSeconds(1));
                if (t is { } v)
                {
                    rtt.Add(v.TotalMilliseconds);
                }
            }

            if (rtt.Count == 0)
            {
                throw new CliException($"the MCU on {path} answered HELLO but no heartbeat echo ({client.LastError ?? "no error reported"})");
            }

            rtt.Sort();
            o.WriteLine(string.Create(c, $"round trip  p50 {Percentile(rtt, 0.5):0.000} ms  p99 {Percentile(rtt, 0.99):0.000} ms  max {rtt[^1]:0.000} ms  ({rtt.Count}/{r.GetValue(count)} echoes)"));
            o.WriteLine(string.Create(c, $"counters    {client.Counters}"));
            return 0;
        });
        return cmd;
    }

    private static Command Monitor()
    {
        var port = PortArgument();
        var baud = BaudOption();
        var timeout = TimeoutOption();
        var interval = new Option<int>("--interval-ms") { Description = "Time between lines.", DefaultValueFactory = _ => 1000 }.Positive();
        var duration = new Option<int>("--duration-s") { Description = "Stop after this many seconds (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var cmd = new Command("monitor", "Show live link counters, state and the newest sensor values until Ctrl+C.")
        {
            port, baud, timeout, interval, duration,
        };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(port)!;
            if (r.GetValue(duration) < 0)
            {
                throw new CliException("--duration-s must not be negative");
            }

            using var client = Connect(path, r.GetValue(baud), r.GetValue(timeout));
            using var stop = new ManualResetEventSlim(false);
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Set();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                int sensors = client.Capabilities!.Sensors.Count;
                int[] channels = Enumerable.Range(0, sensors).ToArray();
                float[] values = new float[sensors];
                long last = 0;
                long lastFrames = 0;
                var sw = Stopwatch.StartNew();
                double lastT = 0;
                long end = r.GetValue(duration) * 1000L;
                while (!stop.Wait(r.GetValue(interval)))
                {
                    client.ReadSensors(channels, values, ref last);
                    double t = sw.Elapsed.TotalSeconds;
                    long frames = client.Counters.FramesOkCount;
                    double rate = (frames - lastFrames) / Math.Max(t - lastT, 1e-3);
                    lastFrames = frames;
                    lastT = t;
                    string v = string.Join(' ', values.Select(x => x.ToString("G4", CultureInfo.InvariantCulture)));
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{t,7:0.0}s {client.State.ToString().ToLowerInvariant(),-12} {rate,7:0} frames/s  {client.Counters}  mcu_safe={client.McuReportsSafe}  sensors [{v}]"));
                    if (end > 0 && sw.ElapsedMilliseconds >= end)
                    {
                        break;
                    }
                }
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            return 0;
        });
        return cmd;
    }

    private static BridgeClient Connect(string path, int baud, int timeoutMs)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"serial port '{path}' does not exist");
        }

        if (SerialDevice.Problem(path) is { } problem)
        {
            throw new CliException(problem); // nothing is opened, let alone written
        }

        var client = BridgeClient.ForSerialPort(path, new BridgeOptions { BaudRate = baud });
        client.Start();
        if (!client.WaitForLink(TimeSpan.FromMilliseconds(timeoutMs)))
        {
            string why = client.LastError ?? "nothing received that parses as a HELLO";
            client.Dispose();
            throw new CliException($"no HELLO from {path} within {timeoutMs} ms ({why})");
        }

        return client;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
