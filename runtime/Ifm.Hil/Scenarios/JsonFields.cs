using System.Globalization;
using System.Text.Json;

namespace Ifm.Hil.Scenarios;

/// <summary>
/// Reads the fields of one JSON object and reports every problem with its JSON path into a shared list; unknown
/// fields are named (a misspelt field must not be silently ignored). Used by the scenario reader and every step and
/// assertion kind.
/// </summary>
public sealed class JsonFields
{
    private readonly JsonElement _object;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public JsonFields(JsonElement obj, string path, List<string> errors)
    {
        _object = obj;
        Path = path;
        Errors = errors;
    }

    /// <summary>The object's JSON path (<c>steps[3]</c>).</summary>
    public string Path { get; }

    public List<string> Errors { get; }

    /// <summary>Reports a problem at <c>Path.field</c> (or at the object itself when <paramref name="field"/> is null).</summary>
    public void Add(string? field, string message) => Errors.Add(field is null ? $"{Path}: {message}" : $"{Path}.{field}: {message}");

    public bool Has(string field)
    {
        _seen.Add(field);
        return _object.TryGetProperty(field, out JsonElement v) && v.ValueKind != JsonValueKind.Null;
    }

    public string? String(string field, bool required = false)
    {
        if (!Get(field, required, out JsonElement v)) return null;
        if (v.ValueKind != JsonValueKind.String)
        {
            Add(field, $"expected a string, got {Show(v)}");
            return null;
        }

        string s = v.GetString()!;
        if (s.Length == 0) Add(field, "must not be empty");
        return s;
    }

    public double? Number(string field, bool required = false, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        if (!Get(field, required, out JsonElement v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d))
        {
            Add(field, $"expected a number, got {Show(v)}");
            return null;
        }

        if (d < min || d > max)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"must be in [{min}, {max}], got {d}"));
            return null;
        }

        return d;
    }

    public long? Integer(string field, bool required = false, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!Get(field, required, out JsonElement v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n))
        {
            Add(field, $"expected an integer, got {Show(v)}");
            return null;
        }

        if (n < min || n > max)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"must be in [{min}, {max}], got {n}"));
            return null;
        }

        return n;
    }

    public bool? Bool(string field, bool required = false)
    {
        if (!Get(field, required, out JsonElement v)) return null;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Add(field, $"expected true or false, got {Show(v)}");
            return null;
        }

        return v.GetBoolean();
    }

    /// <summary>A string that must be one of <paramref name="allowed"/>.</summary>
    public string? OneOf(string field, IReadOnlyList<string> allowed, bool required = false)
    {
        string? s = String(field, required);
        if (s is not null && !allowed.Contains(s))
        {
            Add(field, $"'{s}' is not one of {string.Join(", ", allowed)}");
            return null;
        }

        return s;
    }

    /// <summary>The sub-object <paramref name="field"/> (null when absent or not an object; the latter is reported).</summary>
    public JsonFields? Object(string field, bool required = false)
    {
        if (!Get(field, required, out JsonElement v)) return null;
        if (v.ValueKind != JsonValueKind.Object)
        {
            Add(field, $"expected an object, got {Show(v)}");
            return null;
        }

        return new JsonFields(v, $"{Path}.{field}", Errors);
    }

    /// <summary>The elements of array <paramref name="field"/> with their paths.</summary>
    public IEnumerable<(JsonElement Element, string Path)> Array(string field, bool required = false)
    {
        if (!Get(field, required, out JsonElement v)) yield break;
        if (v.ValueKind != JsonValueKind.Array)
        {
            Add(field, $"expected an array, got {Show(v)}");
            yield break;
        }

        int i = 0;
        foreach (JsonElement e in v.EnumerateArray())
        {
            yield return (e, $"{Path}.{field}[{i++}]");
        }
    }

    /// <summary>Reports every field of the object that was never asked for.</summary>
    public void RejectUnknown(IEnumerable<string>? alsoKnown = null)
    {
        if (alsoKnown is not null) _seen.UnionWith(alsoKnown);
        foreach (JsonProperty p in _object.EnumerateObject())
        {
            if (!_seen.Contains(p.Name))
            {
                Add(p.Name, $"unknown field; known fields here: {string.Join(", ", _seen.Order(StringComparer.Ordinal))}");
            }
        }
    }

    private bool Get(string field, bool required, out JsonElement value)
    {
        _seen.Add(field);
        if (_object.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Add(field, "required");
        return false;
    }

    private static string Show(JsonElement v)
    {
        string raw = v.GetRawText();
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }
}
