using System.CommandLine;
using Ifm.Model;

namespace Ifm.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class CommonOptions
{
    public static Argument<string> ModelArgument() => new("model") { Description = "Path of the .ifm model file." };

    /// <summary>Reads the model, turning a missing file into a one-line error.</summary>
    public static IfmModel LoadModel(string path)
    {
        if (!File.Exists(path)) throw new CliException($"model file '{path}' does not exist");
        return Format.IfmFile.Read(path);
    }

    public static Option<T> Positive<T>(this Option<T> option) where T : System.Numerics.INumber<T>
    {
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<T>();
            if (v <= T.Zero) r.AddError($"{option.Name} must be positive, got {v}");
        });
        return option;
    }
}
