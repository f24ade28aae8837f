using Ifm.Devices;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.FirmwareBridge.Devices;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>bridge_sensor / bridge_actuator entries of a device map: validation messages and binding without the bridge.</summary>
public sealed class BridgeMapValidationTests
{
    static BridgeMapValidationTests() => BridgeDeviceTypes.Register();

    private const string Sensor = """{ "name": "ball", "type": "bridge_sensor", "port": "/dev/ttyACM0", "mcuChannels": [1, 0], "channels": [ { "channel": "ch0", "neurons": ["a"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1 } } ] }""";
    private const string Actuator = """{ "name": "paddle", "type": "bridge_actuator", "port": "/dev/ttyACM0", "mcuChannels": [0], "safeState": { "value": 0 }, "channels": [ { "channel": "ch0", "neurons": ["o"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] }""";

    private static string Map(params string[] devices) => $$"""{ "version": 1, "loopRateHz": 100, "devices": [ {{string.Join(", ", devices)}} ] }""";

    private static IReadOnlyList<string> Errors(string json) =>
        Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(json, "bridge.json")).Errors;

    [Fact]
    public void Valid_map_loads_with_channels_named_after_the_mcu_channel_list()
    {
        DeviceMap map = DeviceMap.Parse(Map(Sensor, Actuator));
        Assert.Equal(["ch0", "ch1"], DeviceTypes.ChannelsOf(map.Devices[0]));
        Assert.Equal(["ch0"], DeviceTypes.ChannelsOf(map.Devices[1]));
        Assert.False(DeviceTypes.IsActuator(map.Devices[0].Type!));
        Assert.True(DeviceTypes.IsActuator(map.Devices[1].Type!));
        Assert.Equal([1, 0], BridgeDeviceTypes.McuChannels(map.Devices[0]));
    }

    [Fact]
    public void Example_pong_bridge_map_is_valid()
    {
        DeviceMap map = DeviceMap.Load(Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"));
        Assert.Equal([BridgeDeviceTypes.SensorType, BridgeDeviceTypes.ActuatorType], map.Devices.Select(d => d.Type));
        Assert.Equal([0, 1, 2], BridgeDeviceTypes.McuChannels(map.Devices[0]));
    }

    /// <summary>The servo and Pavlov maps name their channels as the simulated plants' maps do (channelNames).</summary>
    [Fact]
    public void Example_servo_and_pavlov_bridge_maps_name_their_channels_like_the_simulated_maps()
    {
        DeviceMap servo = DeviceMap.Load(Path.Combine(RepoPaths.Root, "devices", "examples", "servo-bridge.json"));
        Assert.Equal(["target", "position", "velocity", "error"], DeviceTypes.ChannelsOf(servo.Devices[0]));
        Assert.Equal(["command"], DeviceTypes.ChannelsOf(servo.Devices[1]));
        DeviceMap pavlov = DeviceMap.Load(Path.Combine(RepoPaths.Root, "devices", "examples", "pavlov-bridge.json"));
        Assert.Equal(["food", "bell", "salivation"], pavlov.Devices.Select(d => d.Name));
        Assert.Equal(["level"], DeviceTypes.ChannelsOf(pavlov.Devices[0]));
    }

    [Theory]
    [InlineData("[\"a\"]", "devices[0].channelNames: one name per mcuChannels entry (2), got 1")]
    [InlineData("[\"a\", \"a\"]", "devices[0].channelNames[1]: 'a' is listed twice")]
    [InlineData("[\"a\", 3]", "devices[0].channelNames[1]: must be a non-empty string")]
    [InlineData("\"a\"", "devices[0].channelNames: one name per mcuChannels entry (2), got String")]
    public void Channel_names_are_checked(string names, string expected)
    {
        string sensor = Sensor.Replace("\"mcuChannels\": [1, 0]", $"\"mcuChannels\": [1, 0], \"channelNames\": {names}", StringComparison.Ordinal);
        Assert.Contains(Errors(Map(sensor, Actuator)), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"port\": \"/dev/ttyACM0\", ", "", "devices[0].port: required for bridge_sensor")]
    [InlineData("\"mcuChannels\": [1, 0], ", "", "devices[0].mcuChannels: required for bridge_sensor")]
    [InlineData("\"mcuChannels\": [1, 0]", "\"mcuChannels\": [1, 8]", "devices[0].mcuChannels[1]: MCU sensor channel must be 0..7, got 8")]
    [InlineData("\"mcuChannels\": [1, 0]", "\"mcuChannels\": [0, 1, 2, 3, 4, 5, 6, 7, 0]", "devices[0].mcuChannels: at most 8 channels")]
    [InlineData("\"mcuChannels\": [1, 0]", "\"mcuChannels\": [1], \"baudRate\": 12", "devices[0].baudRate: must be 300..10000000, got 12")]
    [InlineData("\"mcuChannels\": [1, 0]", "\"mcuChannels\": [1], \"heartbeatTimeoutMs\": 20", "devices[0].heartbeatTimeoutMs: must be 100..60000")]
    [InlineData("\"mcuChannels\": [1, 0]", "\"mcuChannels\": [1], \"sensorPeriodUs\": 0", "devices[0].sensorPeriodUs: must be 1..60000000")]
    [InlineData("\"channel\": \"ch0\"", "\"channel\": \"ch2\"", "devices[0].channels[0].channel: bridge_sensor has no channel 'ch2'; its channels are ch0, ch1")]
    [InlineData("\"mcuChannels\": [1, 0]", "\"mcuChannels\": [1], \"safeState\": { \"value\": 0 }", "devices[0].safeState: only actuators have a safe state (bridge_sensor is a sensor)")]
    public void Sensor_errors_name_the_entry(string replace, string with, string expected)
    {
        IReadOnlyList<string> errors = Errors(Map(Sensor.Replace(replace, with, StringComparison.Ordinal), Actuator));
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"safeState\": { \"value\": 0 }", "\"safeState\": { \"mode\": \"brake\" }", "devices[1].safeState.mode: bridge_actuator takes safeState.value")]
    [InlineData("\"mcuChannels\": [0]", "\"mcuChannels\": [0, 0]", "devices[1].mcuChannels[1]: MCU actuator channel 0 is listed twice")]
    [InlineData("\"mcuChannels\": [0]", "\"mcuChannels\": [0, 1]", "devices[1].channels: actuator channel 'ch1' has no binding")]
    public void Actuator_errors_name_the_entry(string replace, string with, string expected)
    {
        IReadOnlyList<string> errors = Errors(Map(Sensor, Actuator.Replace(replace, with, StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Devices_on_one_port_must_agree_on_the_link_and_not_share_actuator_channels()
    {
        string second = Actuator.Replace("\"paddle\"", "\"paddle2\"", StringComparison.Ordinal)
            .Replace("\"mcuChannels\": [0]", "\"mcuChannels\": [0], \"baudRate\": 9600", StringComparison.Ordinal)
            .Replace("[\"o\"]", "[\"o2\"]", StringComparison.Ordinal);
        IReadOnlyList<string> errors = Errors(Map(Sensor.Replace("\"port\"", "\"baudRate\": 115200, \"port\"", StringComparison.Ordinal), Actuator, second));
        Assert.Contains("devices[2].baudRate: devices on port /dev/ttyACM0 share one link, and devices[0] sets 115200; got 9600", errors);
        Assert.Contains("devices[2].mcuChannels[0]: MCU actuator channel 0 on /dev/ttyACM0 is already driven by devices[1].mcuChannels[0]", errors);

        // Another port is another MCU: the same channel numbers are fine there.
        DeviceMap.Parse(Map(Sensor, Actuator, second.Replace("/dev/ttyACM0", "/dev/ttyACM1", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_link_setting_given_on_one_device_applies_to_every_device_on_its_port()
    {
        string sensor = Sensor.Replace("\"port\"", "\"heartbeatTimeoutMs\": 1000, \"port\"", StringComparison.Ordinal);
        DeviceMap map = DeviceMap.Parse(Map(sensor, Actuator));
        Assert.All(map.Devices, d => Assert.Equal(1000, d.GetInt("heartbeatTimeoutMs")));
        Assert.All(map.Devices, d => Assert.Equal(115200, d.BaudRate));
        Assert.All(map.Devices, d => Assert.Equal(10_000, d.GetInt("sensorPeriodUs")));
    }

    [Fact]
    public void Binding_without_the_bridge_provider_says_what_is_missing()
    {
        DeviceMap map = DeviceMap.Parse(Map(Sensor, Actuator));
        var ex = Assert.Throws<DeviceFaultException>(() => DeviceSet.Bind(map, ["a"], ["o"], SimulatedHardware.ForPong()));
        Assert.Contains("ball", ex.Message, StringComparison.Ordinal);
        Assert.Contains("firmware bridge", ex.Message, StringComparison.Ordinal);
    }
}
