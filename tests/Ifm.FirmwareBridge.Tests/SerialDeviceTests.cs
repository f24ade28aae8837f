using Ifm.FirmwareBridge.Link;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// The bridge opens character devices only: a regular file, a link to one, a directory or a FIFO named as the port is
/// refused by name, and not one byte is written into it (by <c>ifm bridge probe</c>, by a device map, by the client).
/// </summary>
[Collection(HardwareInTheLoop.Name)]
public sealed class SerialDeviceTests() : TempDirectoryTests("ifm-serial-device")
{
    private const string Content = "notes: do not overwrite\n";

    private string Notes()
    {
        string path = Path.Combine(Dir, "notes.txt");
        File.WriteAllText(path, Content);
        return path;
    }

    [Fact]
    public void Character_devices_pass_and_everything_else_is_named()
    {
        Assert.Null(SerialDevice.Problem("/dev/null"));
        string notes = Notes();
        Assert.Contains("is a regular file, not a serial device", SerialDevice.Problem(notes), StringComparison.Ordinal);
        Assert.Contains("is a directory", SerialDevice.Problem(Dir), StringComparison.Ordinal);

        string link = Path.Combine(Dir, "ttyACM0");
        File.CreateSymbolicLink(link, notes);
        string linked = SerialDevice.Problem(link)!;
        Assert.Contains($"(a link to {notes}) is a regular file", linked, StringComparison.Ordinal);

        string devLink = Path.Combine(Dir, "null-link");
        File.CreateSymbolicLink(devLink, "/dev/null");
        Assert.Null(SerialDevice.Problem(devLink));

        string fifo = Path.Combine(Dir, "fifo");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mk.WaitForExit();
        }

        Assert.Contains("is a FIFO", SerialDevice.Problem(fifo), StringComparison.Ordinal);
        Assert.Contains("does not exist", SerialDevice.Problem(Path.Combine(Dir, "absent")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Client_never_writes_into_a_regular_file(bool useSystemIOPorts)
    {
        string notes = Notes();
        using (var client = BridgeClient.ForSerialPort(notes, new BridgeOptions { UseSystemIOPorts = useSystemIOPorts, ReconnectIntervalMs = 10 }))
        {
            client.Start();
            Assert.False(client.WaitForLink(TimeSpan.FromMilliseconds(400)));
            Assert.Contains("is a regular file", client.LastError, StringComparison.Ordinal);
        }

        Assert.Equal(Content, File.ReadAllText(notes));
    }

    [Fact]
    public void Probe_refuses_a_regular_file_by_name_and_leaves_it_alone()
    {
        string notes = Notes();
        (int code, string stdout, string stderr) = IfmCli.Run(TimeSpan.FromSeconds(60), "bridge", "probe", notes, "--timeout-ms", "300");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"ifm: '{notes}' is a regular file, not a serial device", line, StringComparison.Ordinal);
        Assert.Equal(Content, File.ReadAllText(notes));
    }

    [Fact]
    public void A_device_map_whose_port_is_a_regular_file_is_refused_and_the_file_left_alone()
    {
        string notes = Notes();
        string map = Path.Combine(Dir, "map.json");
        File.WriteAllText(map, File.ReadAllText(Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"))
            .Replace("/tmp/ifm/host", notes, StringComparison.Ordinal));
        (int code, string stdout, string stderr) = IfmCli.Run(TimeSpan.FromSeconds(120),
            "run", Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm"), "--devices", map, "--duration", "1");
        Assert.Equal(1, code);
        Assert.DoesNotContain("run completed", stdout, StringComparison.Ordinal);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ifm: device 'ball': devices[0] (bridge_sensor) could not be opened", line, StringComparison.Ordinal);
        Assert.Contains($"'{notes}' is a regular file, not a serial device", line, StringComparison.Ordinal);
        Assert.Equal(Content, File.ReadAllText(notes));
    }
}
