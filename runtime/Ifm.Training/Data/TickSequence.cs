using Ifm.Runtime.Data;

namespace Ifm.Training.Data;

/// <summary>One recorded input–output sequence: inputs and target outputs per tick (row-major).</summary>
public sealed class TickSequence
{
    public TickSequence(string source, int inputWidth, float[] inputs, int targetWidth, float[] targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputWidth <= 0 || targetWidth <= 0) throw new DataFormatException($"{source}: needs at least one input and one target column");
        if (inputs.Length % inputWidth != 0 || targets.Length % targetWidth != 0 || inputs.Length / inputWidth != targets.Length / targetWidth)
            throw new DataFormatException($"{source}: inputs and targets cover different numbers of ticks");
        CheckRange(source, "input", inputs, inputWidth);
        CheckRange(source, "target", targets, targetWidth);
        Source = source;
        InputWidth = inputWidth;
        Inputs = inputs;
        TargetWidth = targetWidth;
        Targets = targets;
        Ticks = inputs.Length / inputWidth;
    }

    /// <summary>
    /// Largest magnitude of an input or target. Recorded signals and one-hot actions are O(1); a value like 3e38 is
    /// finite but its squared error overflows, and the model trained on it is garbage (loss 6e76).
    /// </summary>
    public const float MaxMagnitude = 1e6f;

    private static void CheckRange(string source, string what, float[] values, int width)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v) || MathF.Abs(v) > MaxMagnitude)
            {
                throw new DataFormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{source}: tick {i / width + 1}: {what} {i % width + 1} is {v}, beyond ±{MaxMagnitude:G} (rescale the data)"));
            }
        }
    }

    public string Source { get; }

    public int InputWidth { get; }

    public int TargetWidth { get; }

    public float[] Inputs { get; }

    public float[] Targets { get; }

    public int Ticks { get; }

    public ReadOnlySpan<float> InputRows(int start, int count) => Inputs.AsSpan(start * InputWidth, count * InputWidth);

    public ReadOnlySpan<float> TargetRow(int tick) => Targets.AsSpan(tick * TargetWidth, TargetWidth);

    /// <summary>Ticks [start, start + count) as a new sequence.</summary>
    public TickSequence Slice(int start, int count, string? source = null) => new(source ?? Source, InputWidth,
        Inputs.AsSpan(start * InputWidth, count * InputWidth).ToArray(), TargetWidth, Targets.AsSpan(start * TargetWidth, count * TargetWidth).ToArray());

    /// <summary>
    /// Pairs the inputs of every tick t with the targets recorded at tick t + <paramref name="ahead"/>: the network
    /// learns to predict what comes next (the last <paramref name="ahead"/> ticks, which have no future target, are dropped).
    /// </summary>
    public TickSequence ShiftTargets(int ahead)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ahead);
        if (ahead == 0) return this;
        if (ahead >= Ticks) throw new DataFormatException($"{Source}: {Ticks} ticks, too few to predict {ahead} ticks ahead");
        int n = Ticks - ahead;
        return new TickSequence(Source, InputWidth, Inputs.AsSpan(0, n * InputWidth).ToArray(), TargetWidth,
            Targets.AsSpan(ahead * TargetWidth, n * TargetWidth).ToArray());
    }

    /// <summary>
    /// The target of every tick t becomes the mean of the targets of ticks t … t + <paramref name="span"/> − 1 (one-hot
    /// keys become the share of each key over the coming ticks); the last span − 1 ticks are dropped.
    /// </summary>
    public TickSequence AverageTargets(int span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1);
        if (span == 1) return this;
        if (span > Ticks) throw new DataFormatException($"{Source}: {Ticks} ticks, too few to average targets over {span}");
        int n = Ticks - span + 1;
        var y = new float[n * TargetWidth];
        for (int t = 0; t < n; t++)
        {
            for (int c = 0; c < TargetWidth; c++)
            {
                double sum = 0;
                for (int k = 0; k < span; k++) sum += Targets[(t + k) * TargetWidth + c];
                y[t * TargetWidth + c] = (float)(sum / span);
            }
        }

        return new TickSequence(Source, InputWidth, Inputs.AsSpan(0, n * InputWidth).ToArray(), TargetWidth, y);
    }

    /// <summary>Every row repeated <paramref name="times"/> times in a row (inputs and targets): a row held for several network ticks.</summary>
    public TickSequence RepeatRows(int times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        if (times == 1) return this;
        var x = new float[Inputs.Length * times];
        var y = new float[Targets.Length * times];
        for (int t = 0; t < Ticks; t++)
        {
            for (int r = 0; r < times; r++)
            {
                InputRows(t, 1).CopyTo(x.AsSpan((t * times + r) * InputWidth, InputWidth));
                TargetRow(t).CopyTo(y.AsSpan((t * times + r) * TargetWidth, TargetWidth));
            }
        }

        return new TickSequence(Source, InputWidth, x, TargetWidth, y);
    }

    /// <summary>
    /// Loads a tick file: the Pong layout (inputs, TAB, targets) or CSV with a header, whose input and target columns
    /// are chosen by name (<paramref name="inputColumns"/>, <paramref name="targetColumns"/>). Errors name the file and line.
    /// </summary>
    public static TickSequence Load(string path, IReadOnlyList<string>? inputColumns = null, IReadOnlyList<string>? targetColumns = null)
    {
        if (!File.Exists(path)) throw new DataFormatException($"data file '{path}' does not exist");
        var table = TickTable.Read(path);
        return FromTable(table, inputColumns, targetColumns);
    }

    public static TickSequence FromTable(TickTable table, IReadOnlyList<string>? inputColumns = null, IReadOnlyList<string>? targetColumns = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.ColumnNames is not null)
        {
            if (inputColumns is null || targetColumns is null || inputColumns.Count == 0 || targetColumns.Count == 0)
                throw new DataFormatException($"{table.Source}: a CSV file with a header needs the input and target column names (columns: {string.Join(", ", table.ColumnNames)})");
            return new TickSequence(table.Source, inputColumns.Count, table.SelectColumns(inputColumns), targetColumns.Count, table.SelectColumns(targetColumns));
        }

        if (table.TargetWidth == 0)
            throw new DataFormatException($"{table.Source}: lines have no targets: write 'inputs<TAB>targets' per tick, or CSV with a header naming the columns");
        return new TickSequence(table.Source, table.Width, table.Values, table.TargetWidth, table.Targets);
    }
}
