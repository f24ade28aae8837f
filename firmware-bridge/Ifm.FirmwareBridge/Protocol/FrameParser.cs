using System.Buffers.Binary;
using System.IO.Hashing;

namespace Ifm.FirmwareBridge.Protocol;

/// <summary>Outcome of pushing one byte into <see cref="FrameParser"/>.</summary>
public enum ParseResult
{
    /// <summary>Byte consumed, no frame boundary yet.</summary>
    None,
    /// <summary>A valid frame is available through the parser's properties.</summary>
    Frame,
    /// <summary>A delimiter with nothing before it.</summary>
    Empty,
    OversizeError,
    CobsError,
    ShortError,
    CrcError,
    VersionError,
}

/// <summary>
/// Streaming frame parser with fixed buffers: any input is consumed without allocation, bounded memory and no
/// exceptions; after garbage it resynchronises on the next delimiter.
/// </summary>
public sealed class FrameParser
{
    private readonly byte[] _raw = new byte[ProtocolConstants.MaxWire];
    private readonly byte[] _frame = new byte[ProtocolConstants.MaxFrame];
    private int _rawLength;
    private int _payloadLength;
    private bool _overflow;
    private bool _dirty;

    public long FramesOk { get; private set; }
    public long CrcErrors { get; private set; }
    public long CobsErrors { get; private set; }
    public long ShortFrames { get; private set; }
    public long Oversize { get; private set; }
    public long VersionErrors { get; private set; }

    /// <summary>Good frames accepted right after discarded input.</summary>
    public long Resyncs { get; private set; }

    /// <summary>Type of the last accepted frame.</summary>
    public MessageType Type => (MessageType)_frame[1];

    public ushort Sequence => BinaryPrimitives.ReadUInt16LittleEndian(_frame.AsSpan(2));

    public ushort Ack => BinaryPrimitives.ReadUInt16LittleEndian(_frame.AsSpan(4));

    /// <summary>Payload of the last accepted frame; valid until the next byte is pushed.</summary>
    public ReadOnlySpan<byte> Payload => _frame.AsSpan(ProtocolConstants.HeaderSize, _payloadLength);

    /// <summary>Forgets a partial frame (after a reconnect).</summary>
    public void Reset()
    {
        _rawLength = 0;
        _overflow = false;
    }

    public ParseResult Push(byte value)
    {
        if (value != 0)
        {
            if (_overflow)
            {
                return ParseResult.None;
            }

            if (_rawLength >= _raw.Length)
            {
                _overflow = true;
                Oversize++;
                _dirty = true;
                return ParseResult.OversizeError;
            }

            _raw[_rawLength++] = value;
            return ParseResult.None;
        }

        int n = _rawLength;
        _rawLength = 0;
        if (_overflow)
        {
            _overflow = false;
            return ParseResult.None;
        }

        if (n == 0)
        {
            return ParseResult.Empty;
        }

        int decoded = Cobs.Decode(_raw.AsSpan(0, n), _frame);
        if (decoded < 0)
        {
            CobsErrors++;
            return Reject(ParseResult.CobsError);
        }

        if (decoded < ProtocolConstants.MinFrame)
        {
            ShortFrames++;
            return Reject(ParseResult.ShortError);
        }

        int body = decoded - ProtocolConstants.CrcSize;
        if (Crc32.HashToUInt32(_frame.AsSpan(0, body)) != BinaryPrimitives.ReadUInt32LittleEndian(_frame.AsSpan(body)))
        {
            CrcErrors++;
            return Reject(ParseResult.CrcError);
        }

        if (_frame[0] != ProtocolConstants.Version)
        {
            VersionErrors++;
            return Reject(ParseResult.VersionError);
        }

        _payloadLength = body - ProtocolConstants.HeaderSize;
        FramesOk++;
        if (_dirty)
        {
            _dirty = false;
            Resyncs++;
        }

        return ParseResult.Frame;
    }

    private ParseResult Reject(ParseResult result)
    {
        _dirty = true;
        return result;
    }
}
