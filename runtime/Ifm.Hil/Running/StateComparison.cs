using System.Globalization;
using Ifm.Runtime.Engine;

namespace Ifm.Hil.Running;

/// <summary>Compares two learned states bit for bit (a checkpoint read back against the state it was taken from or restored into).</summary>
internal static class StateComparison
{
    public static (bool Equal, string Detail) Compare(SessionState saved, SessionState now)
    {
        if (saved.Tick != now.Tick) return (false, $"state at tick {now.Tick}, saved at tick {saved.Tick}");
        int arrays = 0;
        long values = 0;
        if (Differs(saved.Floats, now.Floats, ref arrays, ref values) is { } f) return (false, $"'{f}' differs from the saved state");
        if (Differs(saved.Ints, now.Ints, ref arrays, ref values) is { } i) return (false, $"'{i}' differs from the saved state");
        return (true, string.Create(CultureInfo.InvariantCulture, $"{arrays} arrays, {values} values bit-identical at tick {now.Tick}"));
    }

    private static string? Differs<T>(IReadOnlyDictionary<string, T[]> saved, IReadOnlyDictionary<string, T[]> now, ref int arrays, ref long values)
        where T : IEquatable<T>
    {
        foreach (var (key, a) in saved)
        {
            if (!now.TryGetValue(key, out T[]? b) || !a.AsSpan().SequenceEqual(b)) return key;
            arrays++;
            values += a.Length;
        }

        return null;
    }
}
