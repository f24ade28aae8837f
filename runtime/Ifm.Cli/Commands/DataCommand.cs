using System.CommandLine;
using System.Globalization;
using System.Text;
using Ifm.Training.Pavlov;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm data pavlov</c>: generate conditioning sequences (one tick file each) to train on; <c>ifm data
/// servo-controller</c>: write the servo's pretrained controller; <c>ifm data pong-player</c>: the hand-weighted Pong
/// player, static or adaptive.
/// </summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var cmd = new Command("data", "Generate training data.");
        var output = new Option<string>("--out", "-o") { Description = "Directory to write the sequence files into.", Required = true };
        var count = new Option<int>("--sequences") { Description = "Number of sequences (one file each).", DefaultValueFactory = _ => 200 }.Positive();
        var seed = new Option<int>("--seed") { Description = "Random seed of the trial schedules.", DefaultValueFactory = _ => 1 };
        var pavlov = new Command("pavlov", "Pavlov's conditioning sequences with varying numbers of trials per stage (food,bell<TAB>salivation).") { output, count, seed };
        pavlov.SetAction(r =>
        {
            string dir = r.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var rng = new Random(r.GetValue(seed));
            int n = r.GetValue(count);
            long ticks = 0;
            for (int i = 0; i < n; i++)
            {
                string path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"pavlov-{i:D4}.txt"));
                var seq = PavlovSequences.ToSequence(PavlovSequences.Random(rng), path);
                ticks += seq.Ticks;
                Ifm.Runtime.Format.AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(PavlovSequences.ToText(seq)));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {n} sequences ({ticks:N0} ticks) into {dir}"));
            return 0;
        });
        cmd.Subcommands.Add(pavlov);

        var controllerOut = new Option<string>("--out", "-o") { Description = "Where to write the .ifm file.", Required = true };
        var pes = new Option<float>("--pes") { Description = "PES learning rate κ of the adaptive edge (0: a static controller).", DefaultValueFactory = _ => 0f };
        var controller = new Command("servo-controller", "The servo's pretrained PD controller as an IFM network (inputs error and velocity/10, output the motor command), optionally with PES on its adaptive output edge.") { controllerOut, pes };
        controller.SetAction(r =>
        {
            float kappa = r.GetValue(pes);
            if (!(kappa >= 0 && kappa <= 10)) throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--pes must be in 0..10, got {kappa}"));
            string path = r.GetValue(controllerOut)!;
            Ifm.Runtime.Format.IfmFile.Write(Ifm.Evaluation.Adaptation.ServoAdaptation.Controller(kappa), path);
            Console.WriteLine($"wrote {path}");
            return 0;
        });
        cmd.Subcommands.Add(controller);

        var playerOut = new Option<string>("--out", "-o") { Description = "Where to write the .ifm file.", Required = true };
        var playerPes = new Option<float>("--pes") { Description = "PES learning rate κ of the bias edges into the right/left outputs (0: a static player).", DefaultValueFactory = _ => 0f };
        var player = new Command("pong-player", "A hand-weighted Pong player with pong.ifm's inputs and outputs (it moves the paddle towards the ball), optionally with PES on bias edges learning from the bat line's contact sensor.") { playerOut, playerPes };
        player.SetAction(r =>
        {
            float kappa = r.GetValue(playerPes);
            if (!(kappa >= 0 && kappa <= 10)) throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--pes must be in 0..10, got {kappa}"));
            string path = r.GetValue(playerOut)!;
            Ifm.Runtime.Format.IfmFile.Write(Ifm.Evaluation.Adaptation.PongAdaptation.Player(kappa), path);
            Console.WriteLine($"wrote {path}");
            return 0;
        });
        cmd.Subcommands.Add(player);
        return cmd;
    }
}
