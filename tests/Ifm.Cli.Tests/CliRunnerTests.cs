using System.CommandLine;
using Ifm.Core;

namespace Ifm.Cli.Tests;

/// <summary>
/// The error contract of <see cref="CliRunner"/>, in process: an <see cref="IfmException"/> exits 1 with its message,
/// anything else is a bug: exit 70, one line naming a crash report that holds the stack, and the stack on stderr only
/// with --verbose. The parser's errors stay exit 2.
/// </summary>
public sealed class CliRunnerTests() : TempDirectoryTests("ifm-crash-")
{
    private (int Code, string Err) Run(Exception toThrow, params string[] args)
    {
        var root = new RootCommand("test");
        var cmd = new Command("fail");
        cmd.SetAction(int (_) => throw toThrow);
        root.Subcommands.Add(cmd);
        var err = new StringWriter();
        int code = CliRunner.Run(root, ["fail", .. args], err, Dir);
        return (code, err.ToString());
    }

    [Fact]
    public void A_bug_exits_70_with_one_line_naming_the_crash_report()
    {
        var (code, err) = Run(new InvalidOperationException("state machine confused\nsecond line"));
        Assert.Equal(70, code);
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("ifm: internal error (InvalidOperationException): state machine confused; details in ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        string report = Assert.Single(Directory.GetFiles(Dir, "ifm-crash-*.txt"));
        Assert.Contains(report, lines[0], StringComparison.Ordinal);
        string text = File.ReadAllText(report);
        Assert.Contains("arguments: fail", text, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: state machine confused", text, StringComparison.Ordinal);
        Assert.Contains("second line", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Verbose_prints_the_stack_of_a_bug()
    {
        Exception thrown;
        try
        {
            throw new NullReferenceException("boom");
        }
        catch (NullReferenceException e)
        {
            thrown = e;
        }

        var (code, err) = Run(thrown, "--verbose");
        Assert.Equal(70, code);
        Assert.StartsWith("ifm: internal error (NullReferenceException): boom; details in ", err, StringComparison.Ordinal);
        Assert.Contains("   at ", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IfmErrorCode.ModelFormat)]
    [InlineData(IfmErrorCode.Configuration)]
    [InlineData(IfmErrorCode.Backend)]
    [InlineData(IfmErrorCode.DeviceFault)]
    public void An_IfmException_exits_1_with_its_message_and_no_report(IfmErrorCode kind)
    {
        var (code, err) = Run(new IfmException(kind, "net.ifm: something the user can fix"));
        Assert.Equal(1, code);
        Assert.Equal("ifm: net.ifm: something the user can fix", err.Trim());
        Assert.Empty(Directory.GetFiles(Dir));
    }

    [Fact]
    public void Argument_exceptions_are_bugs_not_bad_input_and_file_system_errors_are_not_bugs()
    {
        Assert.Equal(70, Run(new ArgumentOutOfRangeException("ticks")).Code);
        var (code, err) = Run(new FileNotFoundException("Could not find file '/x.ifm'."));
        Assert.Equal(1, code);
        Assert.Equal("ifm: Could not find file '/x.ifm'.", err.Trim());
    }

    [Fact]
    public void Parser_errors_stay_exit_2()
    {
        var (code, err) = Run(new InvalidOperationException("not reached"), "--no-such-option");
        Assert.Equal(2, code);
        Assert.StartsWith("ifm: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_code_but_internal_exits_1()
    {
        foreach (IfmErrorCode c in Enum.GetValues<IfmErrorCode>())
        {
            Assert.Equal(c == IfmErrorCode.Internal ? 70 : 1, IfmErrors.ExitCode(c));
        }
    }
}
