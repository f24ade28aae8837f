using System.CommandLine;
using Ifm.Cli.Commands;

namespace Ifm.Cli.Tests;

/// <summary><c>ifm plot</c> in process: SVG and PNG files, the weight histogram options and their one-line errors.</summary>
public sealed class PlotCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ifm-plot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Plot(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(PlotCommand.Create());
        var err = new StringWriter();
        var stdout = new StringWriter();
        TextWriter was = Console.Out;
        Console.SetOut(stdout);
        try
        {
            int code = CliRunner.Run(root, ["plot", .. args], err, _dir);
            return (code, stdout.ToString(), err.ToString());
        }
        finally
        {
            Console.SetOut(was);
        }
    }

    [Fact]
    public void A_csv_with_a_model_gives_traces_and_the_weight_histogram_as_svg_and_png()
    {
        string csv = Path.Combine(_dir, "out.csv");
        File.WriteAllText(csv, "tick,S\n1,0.1\n2,0.4\n3,0.2\n");
        string outDir = Path.Combine(_dir, "plots");
        var (code, stdout, err) = Plot(csv, "--out", outDir, "--model", RepoFiles.Model("pavlov.ifm"));
        Assert.True(code == 0, err);
        string[] files = [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith(outDir, StringComparison.Ordinal))];
        Assert.Equal(["outputs.svg", "outputs.png", "weights.svg", "weights.png"], files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 1000, f));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(files[3])[..4]);
    }

    [Fact]
    public void A_checkpoint_without_its_model_is_refused_in_one_line()
    {
        string csv = Path.Combine(_dir, "out.csv");
        File.WriteAllText(csv, "tick,S\n1,0.1\n");
        var (code, _, err) = Plot(csv, "--out", Path.Combine(_dir, "p"), "--checkpoint", Path.Combine(_dir, "state.ckpt"));
        Assert.Equal(1, code);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--checkpoint needs --model (the model the checkpoint belongs to)", err, StringComparison.Ordinal);
    }
}
