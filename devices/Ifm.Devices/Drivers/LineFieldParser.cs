using System.Globalization;

namespace Ifm.Devices.Drivers;

/// <summary>
/// Incremental parser for text lines of numeric fields (<c>"12.5,-3,0.25\n"</c>), fed one byte at a time.
/// Allocation-free after construction: the line is kept in a fixed buffer of <see cref="MaxLineLength"/> bytes
/// and fields are parsed from UTF-8 with <see cref="float.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out float)"/>.
/// </summary>
/// <remarks>
/// A line ends at <c>\n</c> (a trailing <c>\r</c> is dropped). Fields are separated by any of the separator bytes;
/// runs of separators and leading/trailing separators are ignored (so space-aligned columns work). A line is
/// <em>good</em> when it has exactly <see cref="FieldCount"/> finite numbers (invariant culture), <em>bad</em>
/// otherwise; empty lines are ignored. A line longer than <see cref="MaxLineLength"/> bytes is discarded up to its
/// newline and counted in <see cref="OverlongLines"/> — memory stays bounded whatever the device sends.
/// </remarks>
public sealed class LineFieldParser
{
    private readonly byte[] _line;
    private readonly float[] _values;
    private readonly byte[] _separators;
    private int _length;
    private bool _discarding;

    public LineFieldParser(int fieldCount, int maxLineLength = 256, string separators = ", \t;")
    {
        if (fieldCount is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(fieldCount), fieldCount, "must be 1..64");
        }

        if (maxLineLength is < 2 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLineLength), maxLineLength, "must be 2..65536");
        }

        ArgumentException.ThrowIfNullOrEmpty(separators);
        foreach (char c in separators)
        {
            if (c > 127 || c is '\n' or '\r' || char.IsAsciiDigit(c) || c is '-' or '+' or '.' or 'e' or 'E')
            {
                throw new ArgumentException($"separator '{c}' is not allowed (must be ASCII and not part of a number or newline)", nameof(separators));
            }
        }

        FieldCount = fieldCount;
        MaxLineLength = maxLineLength;
        _line = new byte[maxLineLength];
        _values = new float[fieldCount];
        _separators = new byte[separators.Length];
        for (int i = 0; i < separators.Length; i++)
        {
            _separators[i] = (byte)separators[i];
        }
    }

    public int FieldCount { get; }
    public int MaxLineLength { get; }
    public long GoodLines { get; private set; }
    public long BadLines { get; private set; }
    public long OverlongLines { get; private set; }

    /// <summary>Fields of the last good line.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Consumes one byte; returns <see langword="true"/> when it completed a good line (see <see cref="Values"/>).</summary>
    public bool Push(byte b)
    {
        if (b == (byte)'\n')
        {
            if (_discarding)
            {
                _discarding = false;
                _length = 0;
                return false;
            }

            int n = _length;
            _length = 0;
            if (n > 0 && _line[n - 1] == (byte)'\r')
            {
                n--;
            }

            return ParseLine(_line.AsSpan(0, n));
        }

        if (_discarding)
        {
            return false;
        }

        if (_length == _line.Length)
        {
            _discarding = true;
            OverlongLines++;
            return false;
        }

        _line[_length++] = b;
        return false;
    }

    private bool ParseLine(ReadOnlySpan<byte> line)
    {
        int field = 0;
        int i = 0;
        bool any = false;
        Span<float> parsed = stackalloc float[64];
        while (i < line.Length)
        {
            while (i < line.Length && IsSeparator(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && !IsSeparator(line[i]))
            {
                i++;
            }

            any = true;
            if (field == FieldCount
                || !float.TryParse(line[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out float v)
                || !float.IsFinite(v))
            {
                BadLines++;
                return false;
            }

            parsed[field++] = v;
        }

        if (!any)
        {
            return false; // empty or separators only: ignored
        }

        if (field != FieldCount)
        {
            BadLines++;
            return false;
        }

        parsed[..FieldCount].CopyTo(_values);
        GoodLines++;
        return true;
    }

    private bool IsSeparator(byte b) => _separators.AsSpan().IndexOf(b) >= 0;
}
