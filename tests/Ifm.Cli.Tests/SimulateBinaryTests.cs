using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Tests;

/// <summary>
/// <c>ifm run --devices robot.json --simulate</c> under the published NativeAOT binary (x64, and arm64 under qemu-user):
/// every device of the example robot maps is bound to its simulator, the loop runs, the report shows every device's
/// counters and the safe state. <c>ifm devices list</c> prints the registry.
/// </summary>
public sealed class SimulateBinaryTests() : TempDirectoryTests("ifm-simulate-")
{
    private static readonly string[] Inputs =
        ["roll0", "roll1", "roll2", "roll3", "roll4", "roll5", "roll6", "roll7", "roll_rate", "near", "front", "battery", "foot_left", "foot_right", "go"];

    private static readonly string[] Outputs = ["hip_l", "hip_r", "knee_l", "knee_r", "tail"];

    private static readonly string[] Devices = ["imu", "sonar", "tof", "adc", "start", "hip_left", "hip_right", "knee_left", "knee_right", "tail_motor"];

    /// <summary>A small random network whose neurons carry the robot maps' names.</summary>
    private string WalkerModel()
    {
        var b = new ModelBuilder { Name = "walker" };
        int inStart = b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, Inputs.Length, labels: Inputs);
        int hidStart = b.AddPopulation("hidden", NeuronKind.Leaky, NeuronRole.Hidden, 24);
        int outStart = b.AddPopulation("out", NeuronKind.Leaky, NeuronRole.Output, Outputs.Length, labels: Outputs);
        var rng = new Random(3);
        for (int h = hidStart; h < outStart; h++)
        {
            for (int i = inStart; i < hidStart; i++)
            {
                b.AddEdge(i, h, (float)((rng.NextDouble() * 2) - 1));
            }
        }

        for (int o = outStart; o < outStart + Outputs.Length; o++)
        {
            for (int h = hidStart; h < outStart; h++)
            {
                b.AddEdge(h, o, (float)((rng.NextDouble() * 2) - 1) * 0.5f);
            }
        }

        string path = Path.Combine(Dir, "walker.ifm");
        IfmFile.Write(b.Build(), path);
        return path;
    }

    private static string Map(string name) => Path.Combine(PublishedArtifacts.RepoRoot, "devices", "examples", name);

    internal static void AssertDryRun(ProcessResult r)
    {
        string all = r.Stdout + r.Stderr;
        Assert.True(r.ExitCode == 0, all);
        Assert.Contains("simulated)", all, StringComparison.Ordinal);
        Assert.Contains("actuators in safe state", all, StringComparison.Ordinal);
        foreach (string d in Devices)
        {
            Assert.Matches($@"device {d} \(\w+\): [1-9]\d* (reads|writes)", all);
        }

        Assert.Matches(@"allocated on the loop thread: 0 bytes in [1-9]\d* steady periods", all);
    }

    [Theory]
    [InlineData("robot-pi.json")]
    [InlineData("robot-jetson.json")]
    public void Robot_maps_dry_run_on_their_simulators(string map)
    {
        ProcessResult r = ProcessRunner.Run(PublishedArtifacts.Ifm("linux-x64"), ["run", WalkerModel(), "--devices", Map(map), "--simulate", "--duration", "3"]);
        AssertDryRun(r);
    }

    [Fact]
    public void Robot_map_dry_runs_under_qemu_on_the_arm64_binary()
    {
        ProcessResult r = ProcessRunner.Run("qemu-aarch64-static",
            ["-L", "/usr/aarch64-linux-gnu", PublishedArtifacts.Ifm("linux-arm64"), "run", WalkerModel(), "--devices", Map("robot-pi.json"), "--simulate", "--duration", "3"],
            timeoutSeconds: 600);
        AssertDryRun(r);
    }

    [Fact]
    public void Devices_list_prints_every_registered_type_and_board()
    {
        ProcessResult r = ProcessRunner.Run(PublishedArtifacts.Ifm("linux-x64"), ["devices", "list"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (string type in new[] { "digital_input", "servo", "mpu6050", "serial_line", "pong_sensor", "bridge_sensor", "bridge_actuator", "ads1115" })
        {
            Assert.Contains($"{type} (", r.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("board pca9685:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("  pin (int, required): GPIO line", r.Stdout, StringComparison.Ordinal);

        ProcessResult bad = ProcessRunner.Run(PublishedArtifacts.Ifm("linux-x64"), ["devices", "list", "lidar"]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("unknown device type 'lidar'", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelled_field_is_a_one_line_error_naming_it()
    {
        string map = Path.Combine(Dir, "typo.json");
        File.WriteAllText(map, File.ReadAllText(Map("robot-pi.json")).Replace("\"rangeV\"", "\"rangeVolts\"", StringComparison.Ordinal));
        ProcessResult r = ProcessRunner.Run(PublishedArtifacts.Ifm("linux-x64"), ["run", WalkerModel(), "--devices", map, "--simulate", "--duration", "1"]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("devices[3].rangeVolts: ads1115 has no field 'rangeVolts'; its fields are i2cBus, address, rangeV, dataRate", r.Stderr, StringComparison.Ordinal);
    }
}
