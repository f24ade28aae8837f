using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>"Send, await ACK, retransmit, give up" on its own, with time passed in (ticks of 1).</summary>
public sealed class ReliableCommandTests
{
    private const long Timeout = 40;

    [Fact]
    public void Nothing_in_flight_waits_forever()
    {
        var c = new ReliableCommand(Timeout, maxRetries: 3);
        Assert.False(c.InFlight);
        Assert.Equal(RetransmitAction.Wait, c.Poll(1_000_000));
        Assert.False(c.Acknowledge(1));
    }

    [Fact]
    public void Retransmits_the_same_frame_every_timeout_until_acknowledged()
    {
        var c = new ReliableCommand(Timeout, ReliableCommand.Unlimited);
        c.Start(MessageType.Actuate, 7, [1, 2, 3], nowTicks: 100, tag: 42);
        Assert.True(c.InFlight);
        Assert.Equal(RetransmitAction.Wait, c.Poll(100 + Timeout - 1));
        Assert.Equal(RetransmitAction.Retransmit, c.Poll(100 + Timeout));
        Assert.Equal(RetransmitAction.Wait, c.Poll(100 + Timeout + 1)); // the timeout restarts at the retransmission
        for (int k = 2; k <= 1000; k++)
        {
            Assert.Equal(RetransmitAction.Retransmit, c.Poll(100 + k * Timeout)); // unlimited: never given up
        }

        Assert.Equal(1000, c.Retries);
        Assert.Equal(7, c.Sequence);
        Assert.Equal(MessageType.Actuate, c.Type);
        Assert.Equal([1, 2, 3], c.Payload.ToArray());

        Assert.False(c.Acknowledge(6));
        Assert.False(c.Acknowledge(0));
        Assert.True(c.InFlight);
        Assert.True(c.Acknowledge(7));
        Assert.Equal(42, c.Tag);
        Assert.False(c.InFlight);
        Assert.False(c.Acknowledge(7)); // a duplicate ACK settles nothing more
        Assert.Equal(RetransmitAction.Wait, c.Poll(1_000_000));
    }

    [Fact]
    public void Gives_up_after_the_allowed_retransmissions()
    {
        var c = new ReliableCommand(Timeout, maxRetries: 2);
        c.Start(MessageType.Config, 9, [5], 0);
        Assert.Equal(RetransmitAction.Retransmit, c.Poll(Timeout));
        Assert.Equal(RetransmitAction.Retransmit, c.Poll(2 * Timeout));
        Assert.Equal(RetransmitAction.Wait, c.Poll(3 * Timeout - 1));
        Assert.Equal(RetransmitAction.GiveUp, c.Poll(3 * Timeout));
        Assert.False(c.InFlight);
        Assert.False(c.Acknowledge(9)); // a late ACK of a dropped command settles nothing
        Assert.Equal(RetransmitAction.Wait, c.Poll(10 * Timeout));

        var once = new ReliableCommand(Timeout, maxRetries: 0);
        once.Start(MessageType.Config, 1, [], 0);
        Assert.Equal(RetransmitAction.GiveUp, once.Poll(Timeout));
    }

    [Fact]
    public void A_newer_command_supersedes_the_one_in_flight()
    {
        var c = new ReliableCommand(Timeout, ReliableCommand.Unlimited);
        c.Start(MessageType.Actuate, 10, [1], 0, tag: 1);
        Assert.Equal(RetransmitAction.Retransmit, c.Poll(Timeout));
        c.Start(MessageType.Actuate, 11, [2, 2], 50, tag: 2);
        Assert.Equal(0, c.Retries);
        Assert.Equal(RetransmitAction.Wait, c.Poll(50 + Timeout - 1));
        Assert.False(c.Acknowledge(10)); // the ACK of the superseded frame is late
        Assert.True(c.InFlight);
        Assert.True(c.Acknowledge(11));
        Assert.Equal(2, c.Tag);
    }

    [Fact]
    public void Cancel_forgets_the_command_and_sequence_zero_is_refused()
    {
        var c = new ReliableCommand(Timeout, 3);
        c.Start(MessageType.Config, 3, [], 0);
        c.Cancel();
        Assert.False(c.InFlight);
        Assert.Equal(RetransmitAction.Wait, c.Poll(100 * Timeout));
        Assert.False(c.Acknowledge(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Start(MessageType.Config, 0, [], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReliableCommand(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReliableCommand(Timeout, -2));
    }

    [Fact]
    public void Sequence_numbers_wrap_past_zero()
    {
        var c = new ReliableCommand(Timeout, 1);
        ushort seq = ProtocolConstants.NextSequence(ushort.MaxValue);
        Assert.Equal(1, seq);
        c.Start(MessageType.Actuate, ushort.MaxValue, [0], 0);
        Assert.True(c.Acknowledge(ushort.MaxValue));
    }
}
