using System.Diagnostics;
using System.Globalization;
using Ifm.Training;

namespace Ifm.Cli.Commands;

/// <summary>
/// Progress of a long command (train, eval, import, bench): on a terminal one line redrawn with '\r' (bar, what is
/// done, rate, ETA) at most 5 times a second; when the output is redirected (CI logs), a plain line at most every
/// <see cref="PlainInterval"/> and at every milestone (an epoch, the end).
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool redirected, TimeSpan? plainInterval = null)
{
    /// <summary>Least time between two plain lines when the output is not a terminal.</summary>
    public TimeSpan PlainInterval { get; } = plainInterval ?? TimeSpan.FromSeconds(10);

    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private bool _drawn;

    /// <summary>For the commands' own output: <see cref="Console.Error"/>, so that stdout stays the result.</summary>
    public static ProgressBar ForConsole() => new(Console.Error, Console.IsErrorRedirected);

    public void Report(TrainProgress p)
    {
        double done = ((p.Epoch - 1) * (double)p.StepsPerEpoch + p.Step) / ((double)p.Epochs * p.StepsPerEpoch);
        var c = CultureInfo.InvariantCulture;
        string val = p.ValidationLoss is double v ? string.Create(c, $"  val {v:0.00000}") : "";
        string acc = p.ValidationAccuracy is double a ? string.Create(c, $" ({a * 100:0.0} %)") : "";
        if (p.SelectionScore is double s) acc += string.Create(c, $"  select {s:0.####}");
        Draw(done, p.Elapsed, () => string.Create(c, $"epoch {p.Epoch}/{p.Epochs}  step {p.Step}/{p.StepsPerEpoch}  loss {p.TrainLoss:0.00000}{val}{acc}"), p.EpochEnd);
    }

    /// <summary>
    /// <paramref name="done"/> of <paramref name="total"/> <paramref name="unit"/> (ticks, repetitions, steps) with the
    /// rate since the start; <paramref name="what"/> names the stage. The last report (done = total) always prints.
    /// </summary>
    public void Report(long done, long total, string unit, string what = "")
    {
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 1;
        TimeSpan elapsed = _elapsed.Elapsed;
        Draw(fraction, elapsed, () =>
        {
            double rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
            string prefix = what.Length > 0 ? what + "  " : "";
            return string.Create(CultureInfo.InvariantCulture, $"{prefix}{done:N0}/{total:N0} {unit}  {Rate(rate)} {unit}/s");
        }, milestone: done >= total && (!redirected || elapsed >= PlainInterval)); // a short run adds no line to a log
    }

    public void Finish()
    {
        if (_drawn) output.WriteLine();
        _drawn = false;
    }

    /// <summary>The line a report prints (without the bar), for tests.</summary>
    internal static string Line(double fraction, TimeSpan elapsed, string text)
    {
        var eta = fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
        return $"{text}  {Format(elapsed)} elapsed, ETA {(fraction > 0 ? Format(eta) : "?")}";
    }

    private void Draw(double fraction, TimeSpan elapsed, Func<string> text, bool milestone)
    {
        if (!milestone && _sinceLine.Elapsed < (redirected ? PlainInterval : TimeSpan.FromMilliseconds(200))) return;
        _sinceLine.Restart();
        string line = Line(fraction, elapsed, text());
        if (redirected)
        {
            output.WriteLine(line);
            return;
        }

        int filled = (int)Math.Round(fraction * 20);
        output.Write($"\r[{new string('#', filled)}{new string(' ', 20 - filled)}] {line}\u001b[K");
        if (milestone) output.WriteLine();
        _drawn = !milestone;
    }

    private static string Rate(double perSecond) => perSecond switch
    {
        >= 1e6 => (perSecond / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " M",
        >= 1e3 => (perSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " k",
        >= 10 => perSecond.ToString("0", CultureInfo.InvariantCulture),
        _ => perSecond.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static string Format(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
