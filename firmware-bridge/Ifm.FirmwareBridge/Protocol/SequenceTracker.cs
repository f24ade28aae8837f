namespace Ifm.FirmwareBridge.Protocol;

/// <summary>Counts frames lost from a peer's sequence numbers (1..65535, 0 skipped on wrap).</summary>
public struct SequenceTracker
{
    private ushort _last;
    private bool _valid;

    /// <summary>Forgets the baseline (new connection, peer restart).</summary>
    public void Reset() => _valid = false;

    /// <summary>Records <paramref name="seq"/>.</summary>
    /// <returns>Frames lost just before it (0 when in order); -1 when it went backwards (peer restart or duplicate).</returns>
    public int Observe(ushort seq)
    {
        if (!_valid)
        {
            _valid = true;
            _last = seq;
            return 0;
        }

        ushort expected = ProtocolConstants.NextSequence(_last);
        int prev = _last;
        _last = seq;
        if (seq == expected)
        {
            return 0;
        }

        int distance = (ushort)(seq - expected);
        if (seq < expected && distance > 0)
        {
            distance--; // the counter skipped 0
        }

        return distance < 0x8000 && seq != prev ? distance : -1;
    }
}
