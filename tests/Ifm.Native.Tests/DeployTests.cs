using System.Text.Json;
using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>install.sh into a temporary DESTDIR, the unit file, the example run configuration and release.sh.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DeployTests
{
    private static readonly string InstallScript = Repo.Path_("native", "deploy", "install.sh");

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path) & 0x1FF, 8);

    [Fact]
    public void Install_into_a_destdir_puts_every_file_in_place()
    {
        Artifacts.Cli("linux-x64");
        Artifacts.LibIfm("linux-x64");
        using var d = new TempDir("install");
        var r = Proc.Ok("bash", [InstallScript, "--arch", "x64", "--destdir", d.Path]);
        Assert.Contains("installed linux-x64", r.StdOut);

        string usr = Path.Combine(d.Path, "usr", "local");
        Assert.Equal("755", Mode(Path.Combine(usr, "bin", "ifm")));
        Assert.Equal(File.ReadAllBytes(Artifacts.Cli("linux-x64")), File.ReadAllBytes(Path.Combine(usr, "bin", "ifm")));
        Assert.Equal(File.ReadAllBytes(Artifacts.LibIfm("linux-x64")), File.ReadAllBytes(Path.Combine(usr, "lib", "libifm.so")));
        Assert.True(File.Exists(Path.Combine(usr, "lib", "libSystem.IO.Ports.Native.so")));
        Assert.Equal(File.ReadAllText(Path.Combine(Repo.Include, "ifm.h")), File.ReadAllText(Path.Combine(usr, "include", "ifm.h")));
        Assert.True(File.Exists(Path.Combine(usr, "include", "ifm.hpp")));
        Assert.True(File.Exists(Path.Combine(usr, "lib", "cmake", "ifm", "ifmConfig.cmake")));
        foreach (var m in Directory.GetFiles(Repo.Path_("runtime", "models"), "*.ifm"))
            Assert.True(File.Exists(Path.Combine(d.Path, "var", "lib", "ifm", "models", Path.GetFileName(m))), m);
        foreach (var m in Directory.GetFiles(Repo.Path_("devices", "examples"), "*.json"))
            Assert.True(File.Exists(Path.Combine(d.Path, "etc", "ifm", "devices", Path.GetFileName(m))), m);
        Assert.Equal(File.ReadAllText(Repo.Path_("native", "deploy", "run.example.json")), File.ReadAllText(Path.Combine(d.Path, "etc", "ifm", "run.json")));
        var unit = File.ReadAllText(Path.Combine(d.Path, "etc", "systemd", "system", "ifm.service"));
        Assert.Contains("ExecStart=/usr/local/bin/ifm run --config /etc/ifm/run.json", unit);

        // The installed binary runs, and finds the model the example configuration names.
        Proc.Ok(Path.Combine(usr, "bin", "ifm"), ["inspect", Path.Combine(d.Path, "var", "lib", "ifm", "models", "pong.ifm")]);
    }

    [Fact]
    public void Reinstalling_keeps_an_edited_run_json()
    {
        Artifacts.Cli("linux-x64");
        Artifacts.LibIfm("linux-x64");
        using var d = new TempDir("reinstall");
        Proc.Ok("bash", [InstallScript, "--arch", "x64", "--destdir", d.Path]);
        string config = Path.Combine(d.Path, "etc", "ifm", "run.json");
        File.WriteAllText(config, "{\"edited\": true}");
        var r = Proc.Ok("bash", [InstallScript, "--arch", "x64", "--destdir", d.Path]);
        Assert.Equal("{\"edited\": true}", File.ReadAllText(config));
        Assert.Contains("kept the existing", r.StdOut);
    }

    [Fact]
    public void Prefix_moves_binaries_and_the_units_exec_start()
    {
        Artifacts.Cli("linux-x64");
        Artifacts.LibIfm("linux-x64");
        using var d = new TempDir("prefix");
        Proc.Ok("bash", [InstallScript, "--arch", "x64", "--prefix", "/opt/ifm", "--destdir", d.Path]);
        Assert.True(File.Exists(Path.Combine(d.Path, "opt", "ifm", "bin", "ifm")));
        Assert.True(File.Exists(Path.Combine(d.Path, "opt", "ifm", "lib", "libifm.so")));
        Assert.False(Directory.Exists(Path.Combine(d.Path, "usr")));
        var unit = File.ReadAllText(Path.Combine(d.Path, "etc", "systemd", "system", "ifm.service"));
        Assert.Contains("ExecStart=/opt/ifm/bin/ifm run --config /etc/ifm/run.json", unit);
    }

    [Fact]
    public void Arm64_install_picks_the_arm64_binaries()
    {
        Artifacts.Cli("linux-arm64");
        Artifacts.LibIfm("linux-arm64");
        using var d = new TempDir("arm64");
        Proc.Ok("bash", [InstallScript, "--arch", "arm64", "--destdir", d.Path]);
        Assert.Equal(File.ReadAllBytes(Artifacts.Cli("linux-arm64")), File.ReadAllBytes(Path.Combine(d.Path, "usr", "local", "bin", "ifm")));
        Assert.Equal(File.ReadAllBytes(Artifacts.LibIfm("linux-arm64")), File.ReadAllBytes(Path.Combine(d.Path, "usr", "local", "lib", "libifm.so")));
    }

    [Fact]
    public void A_binary_of_the_wrong_architecture_or_a_bad_option_is_refused()
    {
        Artifacts.Cli("linux-x64");
        Artifacts.LibIfm("linux-x64");
        using var d = new TempDir("wrong");
        var r = Proc.Run("bash", [InstallScript, "--arch", "arm64", "--source", Artifacts.Dir("linux-x64"), "--destdir", d.Path]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not a linux-arm64 ELF file", r.StdErr);
        Assert.Empty(Directory.GetFileSystemEntries(d.Path));
        Assert.Equal(2, Proc.Run("bash", [InstallScript, "--arch", "riscv"]).ExitCode);
        Assert.Equal(2, Proc.Run("bash", [InstallScript, "--prefix", "relative/path", "--destdir", d.Path]).ExitCode);
        Assert.Equal(2, Proc.Run("bash", [InstallScript, "--bogus"]).ExitCode);
    }

    [Fact]
    public void Installed_cmake_config_builds_the_c_sample()
    {
        string cmake = Proc.Require("cmake");
        Artifacts.Cli("linux-x64");
        Artifacts.LibIfm("linux-x64");
        using var d = new TempDir("cmake");
        Proc.Ok("bash", [InstallScript, "--arch", "x64", "--destdir", d["root"]]);
        string prefix = Path.Combine(d["root"], "usr", "local");
        Proc.Ok(cmake, ["-S", Repo.Path_("native", "samples"), "-B", d["build"], "-DCMAKE_PREFIX_PATH=" + prefix]);
        Proc.Ok(cmake, ["--build", d["build"], "--target", "ifm_sample_c"]);
        var r = Proc.Ok(Path.Combine(d["build"], "ifm_sample_c"), [Path.Combine(d["root"], "var", "lib", "ifm", "models", "pavlov.ifm"), "3"],
            new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = Path.Combine(prefix, "lib") });
        Assert.Equal(3, Reference.Parse(r.StdOut).Length);
    }

    [Fact]
    public void Unit_file_is_a_notify_service_with_watchdog_restart_and_journald()
    {
        var keys = File.ReadAllLines(Repo.Path_("native", "deploy", "ifm.service"))
            .Where(l => l.Contains('=') && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToLookup(p => p[0].Trim(), p => p[1].Trim());
        Assert.Equal("notify", keys["Type"].Single());
        Assert.Equal("/usr/local/bin/ifm run --config /etc/ifm/run.json", keys["ExecStart"].Single());
        Assert.Equal("on-failure", keys["Restart"].Single());
        Assert.Equal("SIGTERM", keys["KillSignal"].Single());
        Assert.Equal("journal", keys["StandardOutput"].Single());
        Assert.Equal("journal", keys["StandardError"].Single());
        Assert.Matches(@"^\d+s$", keys["WatchdogSec"].Single());
        Assert.Matches(@"^\d+s$", keys["TimeoutStopSec"].Single());
        Assert.Equal("multi-user.target", keys["WantedBy"].Single());
    }

    /// <summary>systemd's own checker accepts the unit (ExecStart pointed at an installed copy of ifm so it exists).</summary>
    [Fact]
    public void Unit_file_passes_systemd_analyze_verify()
    {
        string analyze = Proc.Require("systemd-analyze");
        using var d = new TempDir("unit");
        string ifm = d["ifm"];
        File.Copy(Artifacts.Cli("linux-x64"), ifm);
        File.SetUnixFileMode(ifm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string unit = File.ReadAllText(Repo.Path_("native", "deploy", "ifm.service")).Replace("/usr/local/bin/ifm", ifm, StringComparison.Ordinal);
        File.WriteAllText(d["ifm.service"], unit);
        var r = Proc.Run(analyze, ["verify", d["ifm.service"]], workingDirectory: d.Path, timeoutSeconds: 120);
        // Only complaints about this unit count (the host's other units may draw warnings of their own).
        Assert.True(r.ExitCode == 0 && !r.StdErr.Contains("ifm.service", StringComparison.Ordinal), r.ToString());
    }

    [Fact]
    public void Run_example_has_exactly_the_schema_keys_and_names_shipped_files()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Repo.Path_("native", "deploy", "run.example.json")));
        var root = doc.RootElement;
        string[] schema = ["model", "devices", "sim", "rateHz", "ticksPerPeriod", "durationSeconds", "plasticity", "checkpoint",
            "checkpointIntervalSeconds", "overrunPolicy", "realtime", "backend"];
        Assert.Equal(schema.Order(), root.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["cpus", "mlock", "priority"], root.GetProperty("realtime").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains(root.GetProperty("plasticity").GetString(), new[] { "on", "off" });
        Assert.Contains(root.GetProperty("overrunPolicy").GetString(), new[] { "count", "skip", "safe-stop" });
        Assert.Contains(root.GetProperty("backend").GetString(), new[] { "cpu", "opencl", "auto" });
        Assert.True(root.GetProperty("rateHz").GetDouble() > 0);

        // The files it names are the ones install.sh puts there.
        string model = root.GetProperty("model").GetString()!;
        Assert.StartsWith("/var/lib/ifm/models/", model);
        Assert.True(File.Exists(Repo.Path_("runtime", "models", Path.GetFileName(model))));
        string devices = root.GetProperty("devices").GetString()!;
        Assert.StartsWith("/etc/ifm/devices/", devices);
        Assert.True(File.Exists(Repo.Path_("devices", "examples", Path.GetFileName(devices))));
    }

    [Fact]
    public void Release_script_packages_both_targets_and_prints_sizes()
    {
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            Artifacts.Cli(rid);
            Artifacts.LibIfm(rid);
        }

        using var d = new TempDir("release");
        var r = Proc.Ok("bash", [Repo.Path_("scripts", "release.sh"), "--no-publish"],
            new Dictionary<string, string> { ["IFM_RELEASE_DIR"] = d.Path, ["IFM_ARTIFACTS"] = Repo.Artifacts });
        Assert.Matches(@"release\.sh: \[1/2\] packaging linux-x64  \(\d+:\d\d elapsed, ETA \?\)", r.StdOut); // progress, one line a step
        Assert.Matches(@"release\.sh: \[2/2\] packaging linux-arm64  \(\d+:\d\d elapsed, ETA \d+:\d\d\)", r.StdOut);
        foreach (var rid in new[] { "linux-x64", "linux-arm64" })
        {
            string dir = Path.Combine(d.Path, rid);
            foreach (var f in new[] { "ifm", "libifm.so", "libSystem.IO.Ports.Native.so", "ifm.h", "ifm.hpp", "ifm.service", "install.sh", "run.example.json",
                         "models/pong.ifm", "models/pavlov.ifm", "cmake/ifmConfig.cmake", "README.md" })
            {
                Assert.True(File.Exists(Path.Combine(dir, f)), $"{rid}/{f} missing");
            }

            Assert.Contains($"{rid} ", r.StdOut);
            Assert.Contains(new FileInfo(Path.Combine(dir, "libifm.so")).Length.ToString(), r.StdOut);
        }

        // The release folder is a CMake package as it is.
        string cmake = Proc.Require("cmake");
        string build = Path.Combine(d.Path, "build");
        Proc.Ok(cmake, ["-S", Repo.Path_("native", "samples"), "-B", build, "-Difm_DIR=" + Path.Combine(d.Path, "linux-x64", "cmake")]);
        Proc.Ok(cmake, ["--build", build, "--target", "ifm_sample_cpp"]);
        var run = Proc.Ok(Path.Combine(build, "ifm_sample_cpp"), [Path.Combine(d.Path, "linux-x64", "models", "pong.ifm"), "2"],
            new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = Path.Combine(d.Path, "linux-x64") });
        Assert.Equal(2, Reference.Parse(run.StdOut).Length);

        // The released install.sh, run from its folder, installs that folder's binaries.
        using var root = new TempDir("release-install");
        Proc.Ok("bash", [Path.Combine(d.Path, "linux-arm64", "install.sh"), "--arch", "arm64", "--destdir", root.Path]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(d.Path, "linux-arm64", "ifm")), File.ReadAllBytes(Path.Combine(root.Path, "usr", "local", "bin", "ifm")));
        Assert.True(File.Exists(Path.Combine(root.Path, "var", "lib", "ifm", "models", "pong.ifm")));
    }
}
