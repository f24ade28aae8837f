using Ifm.Devices.Coding;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>
/// Device types registered from outside the library (as the firmware bridge registers its own), created by an
/// <see cref="IDeviceProvider"/>; and the binary encoder's scale.
/// </summary>
public sealed class DeviceProviderTests
{
    private static readonly DeviceField[] RemoteFields =
        [new("port", "string", "", "link"), new("mcuChannels", "int[]", "", "remote channel per map channel")];

    private static string[] RemoteChannels(DeviceSpec d) => [.. Enumerable.Range(0, d.GetIntList("mcuChannels")?.Count ?? 0).Select(i => $"ch{i}")];

    static DeviceProviderTests()
    {
        DeviceTypes.Register(RemoteSensor);
        DeviceTypes.Register(RemoteActuator);
    }

    private static readonly DeviceType RemoteSensor = new()
    {
        Name = "remote_sensor", Role = DeviceRole.Sensor, Summary = "test", ChannelsOf = RemoteChannels, Fields = RemoteFields,
        Validate = c => { if (c.Spec.GetIntList("mcuChannels") is not { Count: > 0 }) c.Add("mcuChannels", "required"); },
        MissingCreatorMessage = "needs the remote provider",
    };

    private static readonly DeviceType RemoteActuator = new()
    {
        Name = "remote_actuator", Role = DeviceRole.Actuator, Summary = "test", ChannelsOf = RemoteChannels, Fields = RemoteFields,
    };

    private const string Json = """
        { "version": 1, "loopRateHz": 100, "devices": [
          { "name": "mcu_in", "type": "remote_sensor", "port": "/dev/ttyACM0", "mcuChannels": [3, 5],
            "channels": [ { "channel": "ch1", "neurons": ["a"], "encoder": { "type": "linear", "inMin": 0, "inMax": 10 } } ] },
          { "name": "mcu_out", "type": "remote_actuator", "port": "/dev/ttyACM0", "mcuChannels": [2], "safeState": { "value": 0.25 },
            "channels": [ { "channel": "ch0", "neurons": ["o"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] },
          { "name": "paddle", "type": "pong_paddle", "safeState": { "value": 0 },
            "channels": [ { "channel": "move", "neurons": ["l", "r", "n"], "decoder": { "type": "argmax", "values": [1, -1, 0] } } ] } ] }
        """;

    [Fact]
    public void Providers_create_their_types_and_everything_else_falls_through_to_the_hardware_factory()
    {
        var provider = new RecordingProvider();
        using var set = DeviceSet.Bind(DeviceMap.Parse(Json), ["a"], ["o", "l", "r", "n"], SimulatedHardware.ForPong(), providers: [provider]);

        Assert.Equal(["mcu_in", "mcu_out"], provider.Created);
        Assert.Equal([3, 5], provider.Sensor!.Spec.GetIntList("mcuChannels"));
        Assert.Equal(2, provider.Sensor.ChannelCount);
        Assert.Contains(set.Actuators, a => a is PongPaddle);

        float[] x = new float[1];
        provider.Sensor.Values = [1f, 5f];
        set.ReadAndEncode(0, x);
        Assert.Equal(0.5f, x[0]); // ch1 = the device's second channel, linear 0..10 → 0..1
        set.DecodeAndWrite(0, [0.5f, 0, 0, 1]);
        Assert.Equal([0.5f], provider.Actuator!.Last);

        Assert.Equal(0, set.EnterSafeState());
        Assert.True(provider.Actuator.Safe);
    }

    [Fact]
    public void Registered_types_check_their_fields_and_need_their_provider()
    {
        var errors = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Json.Replace("\"mcuChannels\": [3, 5]", "\"mcuChanels\": [3, 5]", StringComparison.Ordinal))).Errors;
        Assert.Contains("devices[0].mcuChanels: remote_sensor has no field 'mcuChanels'; its fields are port, mcuChannels", errors);
        Assert.Contains("devices[0].mcuChannels: required", errors);

        errors = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Json.Replace("[3, 5]", "[3, \"five\"]", StringComparison.Ordinal))).Errors;
        Assert.Contains("devices[0].mcuChannels: must be an array of integers, got [3, \"five\"]", errors);

        var ex = Assert.Throws<DeviceFaultException>(() => DeviceSet.Bind(DeviceMap.Parse(Json), ["a"], ["o", "l", "r", "n"], SimulatedHardware.ForPong()));
        Assert.Contains("needs the remote provider", ex.Message);
        Assert.Throws<InvalidOperationException>(() => DeviceTypes.Register(new DeviceType { Name = "remote_sensor", Role = DeviceRole.Sensor, Summary = "again" }));
    }

    [Fact]
    public void Binary_encoder_scale_maps_a_normalised_value_onto_the_code()
    {
        var e = new BinaryCodeEncoder(8, offset: 2, scale: 200);
        float[] bits = new float[8];
        e.Encode(0.5f, bits);                           // 0.5·200 + 2 = 102 = 0b01100110
        Assert.Equal([0f, 1, 1, 0, 0, 1, 1, 0], bits);

        var errors = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Json.Replace(
            "\"encoder\": { \"type\": \"linear\", \"inMin\": 0, \"inMax\": 10 }",
            "\"encoder\": { \"type\": \"binary\", \"bits\": 1, \"scale\": 0 }", StringComparison.Ordinal))).Errors;
        Assert.Contains("devices[0].channels[0].encoder.scale: must be a finite non-zero number, got 0", errors);
    }

    private sealed class RecordingProvider : IDeviceProvider
    {
        public List<string> Created { get; } = [];
        public FakeSensor? Sensor { get; private set; }
        public FakeActuator? Actuator { get; private set; }

        public ISensor? CreateSensor(DeviceSpec device)
        {
            if (device.Type != "remote_sensor") return null;
            Created.Add(device.Name!);
            return Sensor = new FakeSensor(device);
        }

        public IActuator? CreateActuator(DeviceSpec device)
        {
            if (device.Type != "remote_actuator") return null;
            Created.Add(device.Name!);
            return Actuator = new FakeActuator(device);
        }
    }

    private sealed class FakeSensor(DeviceSpec spec) : ISensor
    {
        public DeviceSpec Spec { get; } = spec;
        public float[] Values { get; set; } = [];
        public string Name => Spec.Name!;
        public int ChannelCount => Spec.GetIntList("mcuChannels")!.Count;

        public bool Read(Span<float> destination)
        {
            Values.CopyTo(destination);
            return Values.Length > 0;
        }

        public void Dispose()
        {
        }
    }

    private sealed class FakeActuator(DeviceSpec spec) : IActuator
    {
        public float[] Last { get; private set; } = [];
        public bool Safe { get; private set; }
        public string Name => spec.Name!;
        public int ChannelCount => spec.GetIntList("mcuChannels")!.Count;
        public void Write(ReadOnlySpan<float> command) => (Last, Safe) = (command.ToArray(), false);
        public void EnterSafeState() => Safe = true;

        public void Dispose()
        {
        }
    }
}
