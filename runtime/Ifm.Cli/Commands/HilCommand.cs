using System.CommandLine;
using System.Diagnostics;
using Ifm.Hil.Assertions;
using Ifm.Hil.Reporting;
using Ifm.Hil.Running;
using Ifm.Hil.Scenarios;
using Ifm.Hil.Steps;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm hil scenario.json</c>: runs a hardware-in-the-loop scenario (hil/README.md) against the simulated plants, the
/// virtual MCU or a serial port; prints the report, writes JUnit XML; exits 0 when every assertion held, 1 when one
/// failed, 2 for a bad scenario.
/// </summary>
internal static class HilCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "The scenario file (JSON; hil/README.md).", Arity = ArgumentArity.ZeroOrOne };
        var target = new Option<string>("--target") { Description = "sim (the simulated plants, default), virtual-mcu (started on a pseudo-terminal pair), or serial:/dev/ttyX (a board).", DefaultValueFactory = _ => "sim" };
        var junit = new Option<string?>("--junit") { Description = "Write JUnit XML here (one testcase per assertion)." };
        var record = new Option<string?>("--record") { Description = "Record every period into this folder (one .ifmrec per run of the runtime; ifm plot draws them)." };
        var mcu = new Option<string?>("--mcu") { Description = "The virtual MCU executable (default: $IFM_VIRTUAL_MCU, else ifm-virtual-mcu next to ifm, else on PATH)." };
        var timeout = new Option<double?>("--timeout") { Description = "Abandon the scenario after this many seconds (default: twice its duration + 30 s)." };
        var list = new Option<bool>("--list") { Description = "List the step and assertion kinds." };
        var cmd = new Command("hil", "Run a hardware-in-the-loop scenario: stimuli, faults and perturbations on a timeline, assertions, JUnit XML.")
        {
            scenario, target, junit, record, mcu, timeout, list,
        };
        cmd.SetAction(r =>
        {
            if (r.GetValue(list))
            {
                Console.WriteLine("step kinds (common fields: kind, at (s) or period, until (s) or for (s) where lasting, id):");
                foreach (StepKind k in StepKinds.Registered) Console.WriteLine($"  {k.Name,-14} {k.Summary}{(k.Fields.Count > 0 ? $" [{string.Join("; ", k.Fields)}]" : "")}");
                Console.WriteLine("assertion kinds (common fields: kind, name, at (s) or from/to (s)):");
                foreach (AssertionKind k in AssertionKinds.Registered) Console.WriteLine($"  {k.Name,-14} {k.Summary}{(k.Fields.Count > 0 ? $" [{string.Join("; ", k.Fields)}]" : "")}");
                return 0;
            }

            string path = r.GetValue(scenario) ?? throw new CliException("no scenario file given (ifm hil scenario.json)");
            string t = r.GetValue(target)!;
            string? serial = null;
            if (t.StartsWith("serial:", StringComparison.Ordinal))
            {
                serial = t["serial:".Length..];
                t = HilTargets.Serial;
            }
            else if (t is not (HilTargets.Sim or HilTargets.VirtualMcu))
            {
                Console.Error.WriteLine($"ifm: --target: '{t}' is not sim, virtual-mcu or serial:/dev/ttyX");
                return CliRunner.BadArguments;
            }

            Scenario sc;
            RunRecord run;
            var clock = Stopwatch.StartNew();
            try
            {
                sc = Scenario.Load(path);
                run = HilRunner.Run(sc, new HilOptions
                {
                    Target = t,
                    SerialPort = serial,
                    McuPath = r.GetValue(mcu),
                    RecordDirectory = r.GetValue(record),
                    Timeout = r.GetValue(timeout) is { } s ? TimeSpan.FromSeconds(s) : null,
                    Backends = BackendOptions.Available(),
                });
            }
            catch (ScenarioException e)
            {
                Console.Error.WriteLine($"ifm: {e.Message}");
                return CliRunner.BadArguments;
            }

            var report = HilReport.Evaluate(run, clock.Elapsed);
            report.WriteText(Console.Out);
            if (r.GetValue(junit) is { } j) report.WriteJUnit(j);
            return report.ExitCode;
        });
        return cmd;
    }
}
