using System.Diagnostics;
using System.Globalization;
using Ifm.Training;

namespace Ifm.Cli.Commands;

/// <summary>
/// Training progress: on a terminal one line redrawn with '\r' (bar, epoch, loss, ETA); when the output is redirected,
/// a plain line at the end of every epoch and at most every 10 s in between.
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool redirected)
{
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private bool _drawn;

    public void Report(TrainProgress p)
    {
        if (!p.EpochEnd && _sinceLine.ElapsedMilliseconds < (redirected ? 10_000 : 200)) return;
        _sinceLine.Restart();
        double done = ((p.Epoch - 1) * (double)p.StepsPerEpoch + p.Step) / ((double)p.Epochs * p.StepsPerEpoch);
        var eta = done > 0 ? TimeSpan.FromSeconds(p.Elapsed.TotalSeconds * (1 - done) / done) : TimeSpan.Zero;
        var c = CultureInfo.InvariantCulture;
        string val = p.ValidationLoss is double v ? string.Create(c, $"  val {v:0.00000}") : "";
        string acc = p.ValidationAccuracy is double a ? string.Create(c, $" ({a * 100:0.0} %)") : "";
        if (p.SelectionScore is double s) acc += string.Create(c, $"  select {s:0.####}");
        string text = string.Create(c, $"epoch {p.Epoch}/{p.Epochs}  step {p.Step}/{p.StepsPerEpoch}  loss {p.TrainLoss:0.00000}{val}{acc}  {Format(p.Elapsed)} elapsed, ETA {Format(eta)}");
        if (redirected)
        {
            output.WriteLine(text);
            return;
        }

        int filled = (int)Math.Round(done * 20);
        output.Write($"\r[{new string('#', filled)}{new string(' ', 20 - filled)}] {text}\u001b[K");
        if (p.EpochEnd) output.WriteLine();
        _drawn = !p.EpochEnd;
    }

    public void Finish()
    {
        if (_drawn) output.WriteLine();
        _drawn = false;
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
