using Ifm.Runtime.Data;
using Ifm.Training.Data;

namespace Ifm.Training.Tests;

public sealed class DataFormatTests
{
    private static TickSequence Parse(string text, string[]? inputs = null, string[]? targets = null) =>
        TickSequence.FromTable(TickTable.Read(new StringReader(text), "d.txt"), inputs, targets);

    [Fact]
    public void Reads_the_pong_layout()
    {
        var s = Parse("0,1,1\t1,0\n1,0,0\t0,1\n");
        Assert.Equal(2, s.Ticks);
        Assert.Equal(3, s.InputWidth);
        Assert.Equal(2, s.TargetWidth);
        Assert.Equal([1f, 0f, 0f], s.InputRows(1, 1).ToArray());
        Assert.Equal([0f, 1f], s.TargetRow(1).ToArray());
    }

    [Theory]
    [InlineData("0.1,0.2\t3e38\n", "d.txt: tick 1: target 1 is 3E+38")]
    [InlineData("0.1,0.2\t1\n0.5,-2e7\t0\n", "d.txt: tick 2: input 2 is -20000000")]
    public void Absurd_inputs_or_targets_are_refused_before_training(string text, string message)
    {
        var e = Assert.Throws<DataFormatException>(() => Parse(text));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_csv_columns_by_name()
    {
        var s = Parse("food,bell,saliva\n1,0,1\n0,1,0\n", ["bell", "food"], ["saliva"]);
        Assert.Equal([0f, 1f, 1f, 0f], s.Inputs);
        Assert.Equal([1f, 0f], s.Targets);
    }

    [Theory]
    [InlineData("0,1\t1\n0,1,1\t1\n", "d.txt:2: 3 values, expected 2 (as on line 1)")]
    [InlineData("0,1\t1\n0,1\t1,0\n", "d.txt:2: 2 target values after the TAB, expected 1 (as on line 1)")]
    [InlineData("0,1\t1\n0,x\t1\n", "d.txt:2: value 2 is not a number: 'x'")]
    [InlineData("0,1\t1\n\n# c\n0,1\tno\n", "d.txt:4: target 1 is not a number: 'no'")]
    [InlineData("0,1\n1,0\n", "d.txt: lines have no targets")]
    public void Bad_lines_are_reported_with_their_line_number(string text, string message)
    {
        var e = Assert.Throws<DataFormatException>(() => Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Csv_needs_existing_column_names()
    {
        var e = Assert.Throws<DataFormatException>(() => Parse("a,b\n1,2\n", ["a"], ["c"]));
        Assert.Contains("no column named 'c' (columns: a, b)", e.Message);
        var e2 = Assert.Throws<DataFormatException>(() => Parse("a,b\n1,2\n"));
        Assert.Contains("needs the input and target column names", e2.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<DataFormatException>(() => TickSequence.Load("/nonexistent/c9.txt"));
        Assert.Contains("'/nonexistent/c9.txt' does not exist", e.Message);
    }
}
