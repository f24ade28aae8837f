using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Tests;

public class SequenceTrackerTests
{
    [Fact]
    public void Counts_lost_frames_including_across_the_wrap_that_skips_zero()
    {
        var t = new SequenceTracker();
        Assert.Equal(0, t.Observe(10));
        Assert.Equal(0, t.Observe(11));
        Assert.Equal(3, t.Observe(15));
        Assert.Equal(-1, t.Observe(65534)); // a jump of more than half the space is not a loss but a new baseline
        Assert.Equal(0, t.Observe(65535));
        Assert.Equal(0, t.Observe(1));      // 0 is skipped
        Assert.Equal(1, t.Observe(3));
        Assert.Equal(1, t.Observe(65535 - 65535 + 5));
    }

    [Fact]
    public void A_restart_or_duplicate_is_not_a_gap()
    {
        var t = new SequenceTracker();
        t.Observe(500);
        Assert.Equal(-1, t.Observe(1));
        Assert.Equal(0, t.Observe(2));
        Assert.Equal(-1, t.Observe(2));
    }

    [Fact]
    public void NextSequence_skips_zero()
    {
        Assert.Equal(1, ProtocolConstants.NextSequence(65535));
        Assert.Equal(2, ProtocolConstants.NextSequence(1));
    }
}
