using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Ifm.Core;

namespace Ifm.Cli;

/// <summary>A failure the user can fix (a bad value, a missing file), found by the CLI itself: one line, exit code 1.</summary>
internal sealed class CliException(string message, IfmErrorCode code = IfmErrorCode.Configuration) : IfmException(code, message);

/// <summary>
/// Parses, runs and maps failures to exit codes: 2 for the parser's errors (bad arguments), 1 for an
/// <see cref="IfmException"/> (the user's input or environment: bad file, unusable backend, device fault) and 70 for
/// anything else, a bug. Only <see cref="IfmErrors.CodeOf"/> decides; a bug is one line naming a crash report with
/// the details (<c>--verbose</c> also prints the stack).
/// </summary>
internal static class CliRunner
{
    public const int Ok = 0;
    public const int Failed = IfmErrors.ExitFailed;
    public const int BadArguments = IfmErrors.ExitBadArguments;
    public const int Internal = IfmErrors.ExitInternal;

    /// <summary>The global <c>--verbose</c> option: an internal error also prints its stack trace.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose") { Description = "On an internal error, also print the stack trace.", Recursive = true };

    /// <param name="error">Where messages go (default: stderr).</param>
    /// <param name="crashDirectory">Where crash reports are written (default: $IFM_CRASH_DIR, else the temporary directory).</param>
    public static int Run(RootCommand root, string[] args, TextWriter? error = null, string? crashDirectory = null)
    {
        error ??= Console.Error;
        if (!root.Options.Contains(Verbose)) root.Options.Add(Verbose);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"ifm: {parse.Errors[0].Message}");
            error.WriteLine($"Try '{HelpHint(parse)} --help'.");
            return BadArguments;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            IfmErrorCode code = IfmErrors.CodeOf(e);
            if (code != IfmErrorCode.Internal)
            {
                error.WriteLine($"ifm: {e.Message}");
                return IfmErrors.ExitCode(code);
            }

            // A bug: one line that says so and where the details are, never a message disguised as bad input.
            string line = $"ifm: internal error ({e.GetType().Name}): {FirstLine(e.Message)}";
            try
            {
                string report = WriteCrashReport(e, args, crashDirectory);
                error.WriteLine($"{line}; details in {report} (please send it with a bug report)");
            }
            catch (Exception writeFailed) when (writeFailed is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{line} (no crash report: {writeFailed.Message})");
            }

            if (parse.GetValue(Verbose)) error.WriteLine(e.ToString());
            return Internal;
        }
    }

    /// <summary>Writes what a bug report needs (version, platform, arguments, the exception with its stack) to a new file.</summary>
    private static string WriteCrashReport(Exception e, string[] args, string? directory)
    {
        directory ??= Environment.GetEnvironmentVariable("IFM_CRASH_DIR") is { Length: > 0 } d ? d : Path.GetTempPath();
        Directory.CreateDirectory(directory);
        var now = DateTime.UtcNow;
        string path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture,
            $"ifm-crash-{now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt"));
        using var w = new StreamWriter(path, append: false);
        w.WriteLine("ifm internal error report");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time (UTC): {now:O}"));
        w.WriteLine($"version: {typeof(CliRunner).Assembly.GetName().Version}");
        w.WriteLine($"platform: {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}");
        w.WriteLine($"arguments: {string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a))}");
        w.WriteLine();
        w.WriteLine(e.ToString());
        return path;
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(['\r', '\n']);
        return nl < 0 ? text : text[..nl];
    }

    private static string HelpHint(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult) names.Insert(0, r.Command.Name);
        names[0] = "ifm";
        return string.Join(' ', names);
    }
}
