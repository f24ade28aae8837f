namespace Ifm.Hil.Scenarios;

/// <summary>
/// A scenario file that cannot run: every problem at once, each with its JSON path (<c>steps[2].channel: …</c>).
/// The CLI exits 2 for it (a bad scenario), 1 for failed assertions.
/// </summary>
public sealed class ScenarioException : Ifm.Core.IfmException
{
    public ScenarioException(string source, IReadOnlyList<string> errors)
        : base(Ifm.Core.IfmErrorCode.Configuration, Format(source, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }

    private static string Format(string source, IReadOnlyList<string> errors) => (errors.Count == 1
        ? $"{source}: {errors[0]}"
        : $"{source}: {errors.Count} problems: " + string.Join("; ", errors)).ReplaceLineEndings(" ");
}
