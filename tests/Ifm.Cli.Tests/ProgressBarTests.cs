using System.Text.RegularExpressions;
using Ifm.Cli.Commands;

namespace Ifm.Cli.Tests;

public sealed class ProgressBarTests
{
    [Fact]
    public void On_a_terminal_one_line_is_redrawn_with_bar_count_rate_and_eta_and_ended_at_the_last_step()
    {
        var w = new StringWriter();
        var bar = new ProgressBar(w, redirected: false);
        for (int i = 1; i <= 10; i++)
        {
            Thread.Sleep(25);
            bar.Report(i, 10, "repetitions", "bench");
        }

        bar.Finish();
        string text = w.ToString();
        string[] draws = text.Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(draws.Length, 2, 10); // at most every 200 ms, and the last step always
        Assert.Matches(@"^\[#{20}\] bench  10/10 repetitions  [\d.]+ (k )?repetitions/s  0:00 elapsed, ETA 0:00\u001b\[K\n$", draws[^1]);
        Assert.Matches(@"^\[#{0,20} {0,20}\] bench  \d+/10 repetitions", draws[0]);
        Assert.Equal(1, text.Count(c => c == '\n')); // one finished line, not one per draw
    }

    [Fact]
    public void Redirected_output_gets_plain_lines_at_the_interval_and_none_for_a_short_run()
    {
        var quick = new StringWriter();
        var bar = new ProgressBar(quick, redirected: true);
        for (int i = 1; i <= 5; i++) bar.Report(i, 5, "ticks");
        Assert.Equal("", quick.ToString()); // a run shorter than the interval adds nothing to a log

        var slow = new StringWriter();
        bar = new ProgressBar(slow, redirected: true, plainInterval: TimeSpan.FromMilliseconds(50));
        for (int i = 1; i <= 6; i++)
        {
            Thread.Sleep(30);
            bar.Report(i * 1000, 6000, "ticks", "model");
        }

        string[] lines = slow.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 2, 6);
        Assert.All(lines, l => Assert.Matches(@"^model  [\d,]+/6,000 ticks  [\d.]+ (k )?ticks/s  \d+:\d\d elapsed, ETA \d+:\d\d$", l));
        Assert.DoesNotContain('\r', slow.ToString());
        Assert.StartsWith("model  6,000/6,000 ticks", lines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.25, 30, "1:30")]
    [InlineData(0.5, 3600, "1:00:00")]
    [InlineData(1.0, 10, "0:00")]
    public void The_eta_is_the_elapsed_time_scaled_by_what_is_left(double fraction, int elapsedSeconds, string eta)
    {
        string line = ProgressBar.Line(fraction, TimeSpan.FromSeconds(elapsedSeconds), "x");
        Assert.EndsWith("ETA " + eta, line, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^x  \d+:\d\d(:\d\d)? elapsed"), line);
    }
}
