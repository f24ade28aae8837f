using Ifm.Devices.Mapping;
using Ifm.FirmwareBridge.Devices;
using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// A HELLO with non-finite ranges or safe values, or unknown channel kinds, does not bring the link up; and an
/// actuator is reported safe only when the MCU acknowledged its (finite) safe values.
/// </summary>
[Collection(HardwareInTheLoop.Name)]
public sealed class HelloValidationTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    public static TheoryData<byte[], string> BadHellos => new()
    {
        { ScriptedMcu.Hello([(2, 0f, 1f)], [(3, -1f, 1f, float.NaN)]), "actuator channel 0: safe value NaN" },
        { ScriptedMcu.Hello([(2, 0f, 1f)], [(3, -1f, 1f, 2f)]), "actuator channel 0: safe value 2 is not a finite number in its range [-1, 1]" },
        { ScriptedMcu.Hello([(2, 0f, 1f)], [(3, float.NaN, 1f, 0f)]), "actuator channel 0: range [NaN, 1]" },
        { ScriptedMcu.Hello([(2, 0f, 1f)], [(3, -1f, float.PositiveInfinity, 0f)]), "actuator channel 0: range [-1, Infinity]" },
        { ScriptedMcu.Hello([(2, float.NaN, float.NaN)], [(3, -1f, 1f, 0f)]), "sensor channel 0: range [NaN, NaN]" },
        { ScriptedMcu.Hello([(2, 1f, 0f)], [(3, -1f, 1f, 0f)]), "sensor channel 0: range [1, 0] is not a finite, ordered pair" },
        { ScriptedMcu.Hello([(9, 0f, 1f)], [(3, -1f, 1f, 0f)]), "sensor channel 0: unknown channel kind 9" },
        { ScriptedMcu.Hello([(2, 0f, 1f)], [(200, -1f, 1f, 0f)]), "actuator channel 0: unknown channel kind 200" },
    };

    [Theory]
    [MemberData(nameof(BadHellos))]
    public void Invalid_hello_payloads_are_refused_naming_the_channel(byte[] hello, string expected)
    {
        Assert.Null(DeviceCapabilities.TryParse(hello, out string? error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_golden_hello_and_a_valid_one_are_accepted()
    {
        var golden = GoldenVectors.Load().Single(v => v.Name == "hello_pong");
        Assert.NotNull(DeviceCapabilities.TryParse(golden.Decoded.AsSpan(6, golden.Decoded.Length - 10), out string? error));
        Assert.Null(error);
        Assert.NotNull(DeviceCapabilities.TryParse(ScriptedMcu.ValidHello(), out _));
    }

    [Fact]
    public void A_peer_whose_hello_has_a_nan_safe_value_never_brings_the_link_up_or_gets_a_nan_command()
    {
        using var socat = new SocatPair();
        using var mcu = new ScriptedMcu(PosixTtyStream.Open(socat.McuEnd, 115200), ScriptedMcu.Hello([(2, 0f, 1f)], [(3, -1f, 1f, float.NaN)]));
        using var client = BridgeClient.ForSerialPort(socat.HostEnd, Fast);
        client.Start();
        Assert.False(client.WaitForLink(TimeSpan.FromMilliseconds(800)));
        Assert.True(mcu.HelloRequests >= 2, $"{mcu.HelloRequests} HELLO requests");
        Assert.Contains($"malformed HELLO from {socat.HostEnd}: HELLO actuator channel 0: safe value NaN", client.LastError, StringComparison.Ordinal);
        Assert.Null(client.Capabilities);

        using var paddle = new BridgeActuator("paddle", client, [0]);
        paddle.Write([0.5f]);
        paddle.EnterSafeState(); // the link is not up: nothing to confirm, nothing sent
        Thread.Sleep(100);
        Assert.Empty(mcu.Actuated);
    }

    [Theory]
    [InlineData(ActuateReply.Ack, null)]
    [InlineData(ActuateReply.Nak, "rejected them")]
    [InlineData(ActuateReply.Silence, "did not acknowledge them within")]
    public void Safe_state_is_confirmed_only_when_the_mcu_acknowledges_the_safe_values(ActuateReply reply, string? failure)
    {
        using var socat = new SocatPair();
        using var mcu = new ScriptedMcu(PosixTtyStream.Open(socat.McuEnd, 115200), ScriptedMcu.ValidHello(), reply);
        using var client = BridgeClient.ForSerialPort(socat.HostEnd, Fast);
        client.Start();
        Assert.True(client.WaitForLink(Long), client.LastError);
        using var paddle = new BridgeActuator("paddle", client, [0], [0.25f]);
        paddle.Write([0.75f]);
        Assert.True(Wait.Until(() => mcu.Actuated.Any(a => a.Value == 0.75f), Long));

        if (failure is null)
        {
            paddle.EnterSafeState();
            Assert.Equal((0, 0.25f), mcu.Actuated[^1]);
            Assert.Equal(SafeStateConfirmation.Acknowledged, client.ConfirmSafeState([0], TimeSpan.Zero));
        }
        else
        {
            var e = Assert.Throws<DeviceFaultException>(paddle.EnterSafeState);
            Assert.StartsWith($"device 'paddle': safe values not confirmed: the MCU on {socat.HostEnd} {failure}", e.Message, StringComparison.Ordinal);
            Assert.Contains(mcu.Actuated, a => a == (0, 0.25f)); // it was sent, but not acknowledged
        }
    }

    private static readonly BridgeOptions Fast = new() { LinkTimeoutMs = 2000, McuHeartbeatTimeoutMs = 2000, HelloIntervalMs = 50 };
}
