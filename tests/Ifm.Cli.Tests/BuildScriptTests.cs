namespace Ifm.Cli.Tests;

/// <summary>
/// build.ps1 under the PowerShell that <c>dotnet tool restore</c> brings (.config/dotnet-tools.json), started the way a
/// user starts it from bash: <c>./build.ps1 verb</c> through its shebang.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BuildScriptTests() : TempDirectoryTests("ifm-buildps1-")
{
    private static readonly string Root = PublishedArtifacts.RepoRoot;
    private static readonly string Script = Path.Combine(Root, "build.ps1");

    static BuildScriptTests()
    {
        ProcessResult r = ProcessRunner.Run("dotnet", ["tool", "restore"], 600, Root);
        if (r.ExitCode != 0) throw new InvalidOperationException("dotnet tool restore failed: " + r.Stdout + r.Stderr);
    }

    [Fact]
    public void Script_is_executable_and_help_lists_every_verb()
    {
        UnixFileMode mode = File.GetUnixFileMode(Script);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"build.ps1 mode is {mode}");
        Assert.StartsWith("#!", File.ReadAllText(Script), StringComparison.Ordinal);

        ProcessResult r = ProcessRunner.Run(Script, ["help"], 300, Root);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        foreach (string verb in new[] { "help", "restore", "build", "test", "publish", "bench", "release" })
        {
            Assert.Matches($@"(?m)^\s+{verb}\s{{2,}}\S", r.Stdout);
        }

        Assert.Contains("-Rid", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Comma_separated_rids_from_bash_become_separate_runtime_identifiers()
    {
        ProcessResult r = ProcessRunner.Run("bash", ["-c", "./build.ps1 publish -Rid linux-x64,linux-arm64 -DryRun"], 300, Root);
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        Assert.Contains("dry run: bash scripts/publish.sh linux-x64 linux-arm64", r.Stdout, StringComparison.Ordinal);

        ProcessResult bad = ProcessRunner.Run("bash", ["-c", "./build.ps1 publish -Rid linux-x64,win-x64 -DryRun"], 300, Root);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("win-x64", bad.Stdout + bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_and_build_run_dotnet()
    {
        ProcessResult restore = ProcessRunner.Run(Script, ["restore"], 600, Root);
        Assert.True(restore.ExitCode == 0, restore.Stdout + restore.Stderr);

        // Build one small project (the whole solution would take minutes): a console app made here.
        string proj = Path.Combine(Dir, "hello.csproj");
        File.WriteAllText(proj, """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Dir, "Program.cs"), "System.Console.WriteLine(\"built by build.ps1\");");
        ProcessResult build = ProcessRunner.Run(Script, ["build", "-Project", proj], 600, Root);
        Assert.True(build.ExitCode == 0, build.Stdout + build.Stderr);
        Assert.True(File.Exists(Path.Combine(Dir, "bin", "Release", "net10.0", "hello.dll")), build.Stdout);

        ProcessResult broken = ProcessRunner.Run(Script, ["build", "-Project", Path.Combine(Dir, "missing.csproj")], 300, Root);
        Assert.NotEqual(0, broken.ExitCode);
    }
}
