using System.CommandLine;
using System.Globalization;
using System.Text;
using Ifm.Training.Pavlov;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm data pavlov</c>: generate conditioning sequences (one tick file each) to train on.</summary>
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
        return cmd;
    }
}
