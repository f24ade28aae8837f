using System.Globalization;
using Ifm.Training.Data;

namespace Ifm.Training;

/// <summary>
/// Per-class loss weights for one-hot targets (the class of a tick is the argmax of its target row). Rare classes
/// weighted up keep a model from answering the majority class everywhere: in the Pong recordings about 63 % of ticks
/// have no key pressed, and a player that never starts a move scores like one that never moves.
/// </summary>
public sealed class ClassWeights
{
    private readonly double[]? _explicit;

    private ClassWeights(bool balanced, double[]? weights)
    {
        IsBalanced = balanced;
        _explicit = weights;
    }

    /// <summary>Every tick weighs 1.</summary>
    public static ClassWeights None { get; } = new(false, null);

    /// <summary>Weight of class c = ticks / (classes · ticks of class c), counted on the training part (classes that never occur weigh 0).</summary>
    public static ClassWeights Balanced { get; } = new(true, null);

    public bool IsBalanced { get; }

    public bool IsNone => !IsBalanced && _explicit is null;

    public static ClassWeights Explicit(IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, "class weights: none given");
        foreach (double w in weights)
        {
            if (!(w >= 0) || !double.IsFinite(w)) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"class weights must be finite and ≥ 0, got {w.ToString(CultureInfo.InvariantCulture)}");
        }

        if (weights.All(w => w == 0)) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, "class weights: at least one must be positive");
        return new ClassWeights(false, [.. weights]);
    }

    /// <summary>Parses <c>none</c>, <c>balanced</c> or comma-separated numbers (one per output channel).</summary>
    public static ClassWeights Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        if (t.Equals("balanced", StringComparison.OrdinalIgnoreCase)) return Balanced;
        var parts = t.Split(',', StringSplitOptions.TrimEntries);
        var weights = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out weights[i]))
                throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"class weights: '{parts[i]}' is not a number (expected none, balanced, or comma-separated numbers)");
        }

        return Explicit(weights);
    }

    /// <summary>The weight of every class for <paramref name="classes"/> output channels, counted on <paramref name="data"/> if balanced; null for none.</summary>
    public double[]? Resolve(IReadOnlyList<TickSequence> data, int classes)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (IsNone) return null;
        if (_explicit is not null)
        {
            if (_explicit.Length != classes) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"{_explicit.Length} class weights for {classes} output channels");
            return (double[])_explicit.Clone();
        }

        // Class mass: ticks of the class for one-hot targets, the summed shares for averaged targets.
        var mass = new double[classes];
        double total = 0;
        foreach (var s in data)
        {
            if (s.TargetWidth != classes) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"{s.Source}: {s.TargetWidth} target values per tick for {classes} classes");
            for (int t = 0; t < s.Ticks; t++)
            {
                var row = s.TargetRow(t);
                for (int c = 0; c < classes; c++)
                {
                    mass[c] += row[c];
                    total += row[c];
                }
            }
        }

        var w = new double[classes];
        for (int c = 0; c < classes; c++) w[c] = mass[c] <= 0 ? 0 : total / (classes * mass[c]);
        return w;
    }

    /// <summary>
    /// The weight of one tick and the target to score it against. Cross-entropy: ℓ = Σ_c w_c·t_c·(−log p_c) =
    /// W·CE(t′) with W = Σ_c w_c·t_c / Σ_c t_c and t′_c = w_c·t_c / W (one-hot: W = the class's weight, t′ = t).
    /// MSE: the weight of the target's argmax class, target unchanged.
    /// </summary>
    public static double Weigh(LossKind loss, double[]? weights, ReadOnlySpan<float> target, Span<float> weighted)
    {
        target.CopyTo(weighted);
        if (weights is null) return 1;
        if (loss == LossKind.Mse) return weights[Losses.ArgMax(target)];
        double mass = 0, wm = 0;
        for (int c = 0; c < target.Length; c++)
        {
            mass += target[c];
            wm += weights[c] * target[c];
        }

        if (mass <= 0 || wm <= 0) return 0;
        double w = wm / mass;
        for (int c = 0; c < target.Length; c++) weighted[c] = (float)(weights[c] * target[c] / w);
        return w;
    }

    public override string ToString() => IsBalanced ? "balanced" : _explicit is null ? "none" : string.Join(",", _explicit.Select(w => w.ToString("G6", CultureInfo.InvariantCulture)));
}
