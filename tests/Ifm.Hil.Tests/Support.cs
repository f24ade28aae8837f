using System.Diagnostics;
using Ifm.Hil.Reporting;
using Ifm.Hil.Running;
using Ifm.Hil.Scenarios;

namespace Ifm.Hil.Tests;

internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Hil => Path.Combine(Root, "hil");

    public static string Models => Path.Combine(Root, "runtime", "models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "hil")) && File.Exists(Path.Combine(dir.FullName, "IFM.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Writes a scenario into a temporary folder (model paths given absolute) and returns its path.</summary>
    public static string Scenario(string json)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ifm-hil-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "scenario.json");
        File.WriteAllText(path, json.Replace("MODELS", Models.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));
        return path;
    }

    public static HilReport Run(string path, HilOptions? options = null)
    {
        var sw = Stopwatch.StartNew();
        RunRecord run = HilRunner.Run(Ifm.Hil.Scenarios.Scenario.Load(path), options ?? new HilOptions());
        return HilReport.Evaluate(run, sw.Elapsed);
    }

    public static string Text(HilReport report)
    {
        var w = new StringWriter();
        report.WriteText(w);
        return w.ToString();
    }
}
