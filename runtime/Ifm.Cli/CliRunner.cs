using System.CommandLine;
using Ifm.Runtime.Data;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Cli;

/// <summary>A failure the user can fix (bad file, bad value): printed as one line, exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>Parses, runs and maps errors to exit codes.</summary>
internal static class CliRunner
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadArguments = 2;

    public static int Run(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"ifm: {parse.Errors[0].Message}");
            Console.Error.WriteLine($"Try '{HelpHint(parse)} --help'.");
            return BadArguments;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"ifm: {e.Message}");
            return Failed;
        }
        catch (Exception e)
        {
            // A bug, not a user error: still one line, with the type to make the report useful.
            Console.Error.WriteLine($"ifm: internal error ({e.GetType().Name}): {e.Message}");
            return Failed;
        }
    }

    private static bool IsUserError(Exception e) => e is CliException or IfmFormatException or ModelValidationException
        or DataFormatException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
        or OperationCanceledException or Ifm.Runtime.OpenCL.Interop.OpenClException;

    private static string HelpHint(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult) names.Insert(0, r.Command.Name);
        names[0] = "ifm";
        return string.Join(' ', names);
    }
}
