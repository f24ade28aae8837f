namespace Ifm.Control.Config;

/// <summary>A configuration that cannot run; every problem names its key (e.g. "realtime.priority: must be 1..99, got 120").</summary>
public sealed class RunConfigException : Ifm.Core.IfmException
{
    public RunConfigException(string source, IReadOnlyList<string> errors, Exception? inner = null)
        : base(Ifm.Core.IfmErrorCode.Configuration, Format(source, errors), inner)
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }

    // One line (logs, the CLI's "ifm: …" contract): a JSON error may quote input that holds line breaks.
    private static string Format(string source, IReadOnlyList<string> errors) => (errors.Count == 1
        ? $"{source}: {errors[0]}"
        : $"{source}: {errors.Count} problems: " + string.Join("; ", errors)).ReplaceLineEndings(" ");
}
