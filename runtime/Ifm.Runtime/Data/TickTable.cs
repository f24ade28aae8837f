using System.Globalization;

namespace Ifm.Runtime.Data;

/// <summary>Thrown for a malformed tick data file; the message names the file and the line.</summary>
public sealed class DataFormatException : Ifm.Core.IfmException
{
    public DataFormatException(string message) : base(Ifm.Core.IfmErrorCode.DataFormat, message.ReplaceLineEndings(" ")) { }
}

/// <summary>
/// Recorded ticks, one line per tick, in one of two text layouts:
/// <list type="bullet">
/// <item>the Pong recordings' layout: comma-separated inputs, a TAB, comma-separated target outputs;</item>
/// <item>CSV: comma-separated values, optionally with a header line of column names (then the caller picks
/// input and target columns by name).</item>
/// </list>
/// Blank lines and lines starting with '#' are skipped. Every data line must have the same widths.
/// </summary>
public sealed class TickTable
{
    /// <summary>Lines longer than this are rejected (a binary file or a missing newline).</summary>
    public const int MaxLineLength = 1 << 20;

    /// <summary>Most numbers (values and targets together) one table holds: 2^28 floats, 1 GiB.</summary>
    public const int MaxValues = 1 << 28;

    private TickTable(string source, string[]? names, int width, float[] values, int targetWidth, float[] targets, int rows)
    {
        Source = source;
        ColumnNames = names;
        Width = width;
        Values = values;
        TargetWidth = targetWidth;
        Targets = targets;
        Rows = rows;
    }

    public string Source { get; }

    /// <summary>Header names of the input part (null without a header).</summary>
    public IReadOnlyList<string>? ColumnNames { get; }

    /// <summary>Values per line before the TAB (or per line for CSV).</summary>
    public int Width { get; }

    /// <summary>Row-major values, <see cref="Rows"/> × <see cref="Width"/>.</summary>
    public float[] Values { get; }

    /// <summary>Values per line after the TAB (0 for CSV).</summary>
    public int TargetWidth { get; }

    /// <summary>Row-major targets, <see cref="Rows"/> × <see cref="TargetWidth"/>.</summary>
    public float[] Targets { get; }

    public int Rows { get; }

    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Width, Width);

    public ReadOnlySpan<float> TargetRow(int row) => Targets.AsSpan(row * TargetWidth, TargetWidth);

    /// <summary>Index of a named column, or a clear error listing the header.</summary>
    public int Column(string name)
    {
        if (ColumnNames is null) throw new DataFormatException($"{Source}: has no header line, so column '{name}' cannot be found by name");
        for (int i = 0; i < ColumnNames.Count; i++)
        {
            if (ColumnNames[i] == name) return i;
        }

        throw new DataFormatException($"{Source}: no column named '{name}' (columns: {string.Join(", ", ColumnNames)})");
    }

    /// <summary>Copies the named columns, in the given order, into a new row-major array.</summary>
    public float[] SelectColumns(IReadOnlyList<string> names)
    {
        var idx = names.Select(Column).ToArray();
        var result = new float[Rows * idx.Length];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < idx.Length; c++) result[r * idx.Length + c] = Values[r * Width + idx[c]];
        }

        return result;
    }

    public static TickTable Read(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException($"{path}: is a directory, not a tick file");
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    public static TickTable Read(TextReader reader, string source)
    {
        var values = new List<float>();
        var targets = new List<float>();
        string[]? names = null;
        int width = -1, targetWidth = -1, rows = 0, lineNo = 0, firstLine = 0;
        string? line;
        var lines = new BoundedLineReader(reader);
        while (true)
        {
            lineNo++;
            line = lines.ReadLine(out bool tooLong);
            if (line is null) break;
            if (tooLong) throw new DataFormatException($"{source}:{lineNo}: line is longer than {MaxLineLength} characters (a binary file, or no line breaks?)");
            var trimmed = line.AsSpan().Trim();
            if (trimmed.IsEmpty || trimmed[0] == '#') continue;

            int tab = trimmed.IndexOf('\t');
            var inputPart = tab >= 0 ? trimmed[..tab] : trimmed;
            var targetPart = tab >= 0 ? trimmed[(tab + 1)..] : [];

            if (width < 0 && names is null && tab < 0 && !LooksNumeric(inputPart))
            {
                names = [.. inputPart.ToString().Split(',').Select(s => s.Trim())];
                if (names.Any(string.IsNullOrEmpty)) throw new DataFormatException($"{source}:{lineNo}: header has an empty column name");
                if (names.Distinct(StringComparer.Ordinal).Count() != names.Length) throw new DataFormatException($"{source}:{lineNo}: header names a column twice");
                width = names.Length;
                continue;
            }

            int w = ParseFields(inputPart, values, source, lineNo, "value");
            int tw = tab >= 0 ? ParseFields(targetPart, targets, source, lineNo, "target") : 0;
            if (rows == 0 && (width < 0 || names is not null))
            {
                if (names is not null && w != width)
                    throw new DataFormatException($"{source}:{lineNo}: {w} values, but the header names {width} columns");
                width = w;
                targetWidth = tw;
                firstLine = lineNo;
            }
            else
            {
                if (w != width) throw new DataFormatException($"{source}:{lineNo}: {w} values, expected {width} (as on line {firstLine})");
                if (tw != targetWidth) throw new DataFormatException($"{source}:{lineNo}: {tw} target values after the TAB, expected {targetWidth} (as on line {firstLine})");
            }

            rows++;
            if ((long)values.Count + targets.Count > MaxValues) throw new DataFormatException($"{source}:{lineNo}: more than {MaxValues:N0} numbers in one file");
        }

        if (rows == 0) throw new DataFormatException($"{source}: contains no data lines");
        return new TickTable(source, names, width, [.. values], Math.Max(targetWidth, 0), [.. targets], rows);
    }

    private static bool LooksNumeric(ReadOnlySpan<char> s)
    {
        int comma = s.IndexOf(',');
        var first = (comma >= 0 ? s[..comma] : s).Trim();
        return float.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    private static int ParseFields(ReadOnlySpan<char> s, List<float> into, string source, int lineNo, string what)
    {
        int count = 0;
        foreach (var range in s.Split(','))
        {
            var field = s[range].Trim();
            count++;
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                throw new DataFormatException($"{source}:{lineNo}: {what} {count} is not a number: '{field.ToString()}'");
            if (!float.IsFinite(v)) throw new DataFormatException($"{source}:{lineNo}: {what} {count} is not finite: '{field.ToString()}'");
            into.Add(v);
        }

        return count;
    }

    /// <summary>
    /// <see cref="TextReader.ReadLine"/> with a bound checked while reading: a line-less or single-line file of any size
    /// costs at most <see cref="MaxLineLength"/> characters before it is refused.
    /// </summary>
    private sealed class BoundedLineReader(TextReader reader)
    {
        private readonly char[] _buffer = new char[16 * 1024];
        private readonly System.Text.StringBuilder _line = new();
        private int _pos, _len;

        /// <summary>The next line without its terminator (null at the end); <paramref name="tooLong"/> when it exceeds the limit (then it is cut).</summary>
        public string? ReadLine(out bool tooLong)
        {
            tooLong = false;
            _line.Clear();
            bool any = false;
            while (true)
            {
                if (_pos == _len)
                {
                    _len = reader.Read(_buffer, 0, _buffer.Length);
                    _pos = 0;
                    if (_len == 0) return any ? _line.ToString() : null;
                }

                any = true;
                var span = _buffer.AsSpan(_pos, _len - _pos);
                int eol = span.IndexOfAny('\n', '\r');
                int take = eol < 0 ? span.Length : eol;
                if (_line.Length + take > MaxLineLength)
                {
                    tooLong = true;
                    return "";
                }

                _line.Append(span[..take]);
                _pos += take;
                if (eol < 0) continue;
                char c = _buffer[_pos++];
                if (c == '\r')
                {
                    if (_pos == _len)
                    {
                        _len = reader.Read(_buffer, 0, _buffer.Length);
                        _pos = 0;
                    }

                    if (_pos < _len && _buffer[_pos] == '\n') _pos++;
                }

                return _line.ToString();
            }
        }
    }
}
