using System.CommandLine;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class CommonOptions
{
    public static Argument<string> ModelArgument() => new("model") { Description = "Path of the .ifm model file." };

    /// <summary>--plasticity on|off: whether the model's learning rules run.</summary>
    public static Option<string> Plasticity()
    {
        var o = new Option<string>("--plasticity") { Description = "Run the model's plasticity rules (on) or freeze the weights (off).", DefaultValueFactory = _ => "on" };
        o.AcceptOnlyFromAmong("on", "off");
        return o;
    }

    /// <summary>Reads the model, turning a missing file into a one-line error.</summary>
    public static IfmModel LoadModel(string path)
    {
        if (Directory.Exists(path)) throw new CliException($"{path}: is a directory, not a model file", Ifm.Core.IfmErrorCode.Io);
        if (!File.Exists(path)) throw new CliException($"model file '{path}' does not exist", Ifm.Core.IfmErrorCode.Io);
        return Ifm.Runtime.Format.IfmFile.Read(path);
    }

    public static Option<T> Positive<T>(this Option<T> option) where T : System.Numerics.INumber<T> =>
        option.Check(v => v > T.Zero, v => $"{option.Name} must be positive, got {v}");

    /// <summary>
    /// Adds a range check that runs only on a value that parsed: a token that is not a number is reported by the
    /// parser itself ("Cannot parse argument …"), and reading its value from a validator would throw.
    /// </summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, bool> valid, Func<T, string> message)
    {
        option.Validators.Add(r =>
        {
            T? v;
            try { v = r.GetValueOrDefault<T>(); }
            catch (InvalidOperationException) { return; }
            if (v is not null && !valid(v)) r.AddError(message(v));
        });
        return option;
    }
}
