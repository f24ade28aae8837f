using System.Globalization;
using System.Text.Json;

namespace Ifm.Runtime.Format;

/// <summary>Typed access to JSON object fields with errors that name the path (e.g. <c>graph.populations[2].count</c>).</summary>
internal readonly struct JsonFields
{
    private readonly JsonElement _e;
    private readonly string _source;

    public JsonFields(JsonElement e, string path, string source)
    {
        _e = e;
        Path = path;
        _source = source;
        if (e.ValueKind != JsonValueKind.Object) throw Fail($"{path}: expected a JSON object, got {Kind(e)}");

        // JSON allows a key twice and JsonDocument keeps both (lookups find one of them): refuse rather than guess.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            if (!seen.Add(p.Name)) throw Fail($"{path}: field '{p.Name}' appears twice");
        }
    }

    public string Path { get; }

    /// <summary>Rejects fields not in <paramref name="allowed"/> (typos must not be silently ignored).</summary>
    public void AllowOnly(params string[] allowed)
    {
        foreach (var p in _e.EnumerateObject())
        {
            if (Array.IndexOf(allowed, p.Name) < 0) throw Fail($"{Path}: unknown field '{p.Name}' (allowed: {string.Join(", ", allowed)})");
        }
    }

    public bool Has(string name) => _e.TryGetProperty(name, out _);

    public string String(string name, string? fallback = null)
    {
        if (!_e.TryGetProperty(name, out var v)) return fallback ?? throw Missing(name);
        if (v.ValueKind != JsonValueKind.String) throw Fail($"{Path}.{name}: expected a string, got {Kind(v)}");
        return v.GetString()!;
    }

    public int Int(string name, int? fallback = null, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!_e.TryGetProperty(name, out var v)) return fallback ?? throw Missing(name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int x)) throw Fail($"{Path}.{name}: expected an integer, got {v.GetRawText()}");
        if (x < min || x > max) throw Fail($"{Path}.{name}: must be in [{min}, {max}], got {x}");
        return x;
    }

    public float Float(string name, float? fallback = null)
    {
        if (!_e.TryGetProperty(name, out var v)) return fallback ?? throw Missing(name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double x) || !double.IsFinite(x) || !float.IsFinite((float)x))
            throw Fail($"{Path}.{name}: expected a finite number, got {v.GetRawText()}");
        return (float)x;
    }

    public bool Bool(string name, bool fallback)
    {
        if (!_e.TryGetProperty(name, out var v)) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail($"{Path}.{name}: expected true or false, got {v.GetRawText()}"),
        };
    }

    public JsonFields Object(string name) =>
        _e.TryGetProperty(name, out var v) ? new JsonFields(v, $"{Path}.{name}", _source) : throw Missing(name);

    public bool TryObject(string name, out JsonFields fields)
    {
        fields = default;
        if (!_e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        fields = new JsonFields(v, $"{Path}.{name}", _source);
        return true;
    }

    public IEnumerable<JsonFields> Objects(string name, bool optional = false)
    {
        if (!_e.TryGetProperty(name, out var v))
        {
            if (optional) return [];
            throw Missing(name);
        }

        if (v.ValueKind != JsonValueKind.Array) throw Fail($"{Path}.{name}: expected an array, got {Kind(v)}");
        var list = new List<JsonFields>();
        int i = 0;
        foreach (var item in v.EnumerateArray()) list.Add(new JsonFields(item, $"{Path}.{name}[{i++}]", _source));
        return list;
    }

    public string[]? Strings(string name)
    {
        if (!_e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Fail($"{Path}.{name}: expected an array of strings, got {Kind(v)}");
        var list = new List<string>();
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Fail($"{Path}.{name}[{i}]: expected a string, got {Kind(item)}");
            list.Add(item.GetString()!);
            i++;
        }

        return [.. list];
    }

    public IfmFormatException Fail(string message) => SafeTensorsContainer.Error(_source, message);

    private IfmFormatException Missing(string name) => Fail($"{Path}: missing field '{name}'");

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture);
}
