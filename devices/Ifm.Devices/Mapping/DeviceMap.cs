using System.Globalization;
using System.Text.Json;
using Ifm.Devices.Coding;

namespace Ifm.Devices.Mapping;

public sealed partial class DeviceMap
{
    /// <summary>Largest map file accepted (bytes).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Largest number of devices, channels per device, neurons per channel.</summary>
    public const int MaxDevices = 256, MaxChannels = 64, MaxNeuronsPerChannel = 4096;

    /// <summary>Reads, parses and validates a map file. Throws <see cref="DeviceMapException"/> on any problem.</summary>
    public static DeviceMap Load(string path)
    {
        string json;
        try
        {
            json = ReadBounded(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DeviceMapException(path, [$"cannot read the file: {ex.Message}"], ex);
        }

        return Parse(json, path);
    }

    /// <summary>
    /// Reads at most <see cref="MaxFileBytes"/> bytes, counted while reading: a pipe or a device such as /dev/zero
    /// reports no useful length, so the file's length is never trusted.
    /// </summary>
    private static string ReadBounded(string path)
    {
        if (Directory.Exists(path)) throw new DeviceMapException(path, ["is a directory, not a device map file"]);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > MaxFileBytes) throw new DeviceMapException(path, [$"longer than the limit of {MaxFileBytes} bytes (is it the right file?)"]);
            buffer.Write(chunk, 0, n);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// How many names <see cref="ExpandNeurons"/> would return, counted without expanding anything (a map may list
    /// thousands of ranges; expanding them first would cost gigabytes before the limit is checked).
    /// </summary>
    public static long CountNeurons(IEnumerable<string> names)
    {
        long count = 0;
        foreach (string name in names)
        {
            count += TryExpandRange(name, out _, out int from, out int to) ? to - from + 1 : 1;
        }

        return count;
    }

    /// <summary>Parses and validates map text; <paramref name="sourceName"/> prefixes every error message.</summary>
    public static DeviceMap Parse(string json, string sourceName = "device map")
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxFileBytes)
        {
            throw new DeviceMapException(sourceName, [$"text is {json.Length} characters, the limit is {MaxFileBytes}"]);
        }

        DeviceMap? map;
        try
        {
            map = JsonSerializer.Deserialize(json, DeviceMapJsonContext.Default.DeviceMap);
        }
        catch (JsonException ex)
        {
            string where = ex.Path is { Length: > 0 } p ? ToPath(p) + ": " : "";
            string line = ex.LineNumber is { } l ? $" (line {l + 1}, byte {ex.BytePositionInLine + 1})" : "";
            throw new DeviceMapException(sourceName, [$"{where}invalid JSON{line}: {FirstSentence(ex.Message)}"], ex);
        }

        if (map is null)
        {
            throw new DeviceMapException(sourceName, ["the document is null; expected an object"]);
        }

        var errors = new List<string>();
        DeviceMapValidator.Validate(map, errors);
        if (errors.Count > 0)
        {
            throw new DeviceMapException(sourceName, errors);
        }

        DeviceMapValidator.Normalize(map);
        return map;
    }

    /// <summary>Serializes the map (source-generated writer).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DeviceMapJsonContext.Default.DeviceMap);

    /// <summary>Every <c>k</c>-th period the device is read/written: k = ceil(loopRate / rate), so the effective rate never exceeds the requested one.</summary>
    public int DivisorOf(DeviceSpec device)
    {
        double rate = device.RateHz ?? LoopRateHz;
        return Math.Max(1, (int)Math.Ceiling((LoopRateHz / rate) - 1e-9));
    }

    /// <summary>Expands <c>"in0..in7"</c> shorthands; other names are returned as they are.</summary>
    public static List<string> ExpandNeurons(IEnumerable<string> names)
    {
        var list = names as IReadOnlyCollection<string> ?? [.. names];
        long total = CountNeurons(list);
        if (total > MaxNeuronsPerChannel) throw new ArgumentException($"{total} neuron names, more than a channel can bind ({MaxNeuronsPerChannel})");
        names = list;
        var result = new List<string>();
        foreach (string name in names)
        {
            if (TryExpandRange(name, out string prefix, out int from, out int to))
            {
                for (int i = from; i <= to; i++)
                {
                    result.Add(prefix + i.ToString(CultureInfo.InvariantCulture));
                }
            }
            else
            {
                result.Add(name);
            }
        }

        return result;
    }

    internal static bool TryExpandRange(string name, out string prefix, out int from, out int to)
    {
        prefix = "";
        from = to = 0;
        int dots = name.IndexOf("..", StringComparison.Ordinal);
        if (dots <= 0)
        {
            return false;
        }

        string left = name[..dots], right = name[(dots + 2)..];
        int ld = left.Length;
        while (ld > 0 && char.IsAsciiDigit(left[ld - 1]))
        {
            ld--;
        }

        int rd = right.Length;
        while (rd > 0 && char.IsAsciiDigit(right[rd - 1]))
        {
            rd--;
        }

        if (ld == left.Length || rd == right.Length || left.Length - ld > 6 || right.Length - rd > 6)
        {
            return false;
        }

        string rightPrefix = right[..rd];
        if (rightPrefix.Length != 0 && rightPrefix != left[..ld])
        {
            return false;
        }

        prefix = left[..ld];
        from = int.Parse(left.AsSpan(ld), CultureInfo.InvariantCulture);
        to = int.Parse(right.AsSpan(rd), CultureInfo.InvariantCulture);
        return to >= from && to - from < MaxNeuronsPerChannel;
    }

    private static string ToPath(string jsonPath)
    {
        // "$.devices[2].channels[0].encoder.bits" -> "devices[2].channels[0].encoder.bits"
        string p = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return p.Length == 0 ? "(root)" : p;
    }

    private static string FirstSentence(string message)
    {
        int i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}

/// <summary>
/// Checks a parsed map: the map's own fields, then per device the common fields, the fields its type declares
/// (anything else is an error naming it), the type's own checks and the channel bindings, then the checks across
/// devices of one type. Every problem is reported with its JSON path.
/// </summary>
internal static class DeviceMapValidator
{
    /// <summary>Slowest loop or device rate accepted: one period every 1000 s.</summary>
    public const double MinRateHz = 0.001;

    public static void Validate(DeviceMap map, List<string> errors)
    {
        if (map.Version != 1)
        {
            errors.Add($"version: must be 1, got {map.Version}");
        }

        if (!(map.LoopRateHz >= MinRateHz && map.LoopRateHz <= 100_000))
        {
            errors.Add($"loopRateHz: must be in [{Num(MinRateHz)}, 100000] Hz, got {Num(map.LoopRateHz)}");
        }

        if (map.GpioChip is < 0 or > 63)
        {
            errors.Add($"gpioChip: must be 0..63, got {map.GpioChip}");
        }

        if (map.Devices is null || map.Devices.Count == 0)
        {
            errors.Add("devices: must list at least one device");
            return;
        }

        if (map.Devices.Count > DeviceMap.MaxDevices)
        {
            errors.Add($"devices: at most {DeviceMap.MaxDevices} devices, got {map.Devices.Count}");
            return;
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var pins = new Dictionary<(int Chip, int Pin), string>();
        var together = new Dictionary<Action<IReadOnlyList<(int, DeviceSpec)>, List<string>>, List<(int, DeviceSpec)>>();
        for (int i = 0; i < map.Devices.Count; i++)
        {
            string at = $"devices[{i}]";
            DeviceSpec? d = map.Devices[i];
            if (d is null)
            {
                errors.Add($"{at}: must be an object, got null");
                continue;
            }

            if (string.IsNullOrWhiteSpace(d.Name))
            {
                errors.Add($"{at}.name: required");
            }
            else if (!names.TryAdd(d.Name, i))
            {
                errors.Add($"{at}.name: '{d.Name}' is already used by devices[{names[d.Name]}]");
            }

            if (string.IsNullOrEmpty(d.Type))
            {
                errors.Add($"{at}.type: required, one of {string.Join(", ", DeviceTypes.All)}");
                continue;
            }

            if (DeviceTypes.Find(d.Type) is not { } type)
            {
                errors.Add($"{at}.type: unknown type '{d.Type}', expected one of {string.Join(", ", DeviceTypes.All)}");
                continue;
            }

            if (d.RateHz is { } rate && !(rate >= MinRateHz && rate <= map.LoopRateHz))
            {
                errors.Add($"{at}.rateHz: must be in [{Num(MinRateHz)}, loopRateHz = {Num(map.LoopRateHz)}], got {Num(rate)}");
            }

            if (d.GpioChip is < 0 or > 63)
            {
                errors.Add($"{at}.gpioChip: must be 0..63, got {d.GpioChip}");
            }

            if (!type.IsActuator && d.SafeState is not null)
            {
                errors.Add($"{at}.safeState: only actuators have a safe state ({d.Type} is a sensor)");
            }

            ValidateFields(type, d, at, errors);
            var check = new DeviceCheck(map, d, at, errors, pins);
            foreach (DeviceField f in type.Fields)
            {
                f.Check(check);
            }

            type.Validate?.Invoke(check);
            ValidateChannels(type, d, at, errors);
            if (type.ValidateTogether is { } checkTogether)
            {
                if (!together.TryGetValue(checkTogether, out var list))
                {
                    together[checkTogether] = list = [];
                }

                list.Add((i, d));
            }
        }

        foreach (var (check, devices) in together)
        {
            check(devices, errors);
        }

        BoardTypes.Validate(map, errors, pins);
    }

    /// <summary>After a successful validation: lets each type fill what its devices share.</summary>
    public static void Normalize(DeviceMap map)
    {
        var together = new Dictionary<Action<IReadOnlyList<DeviceSpec>>, List<DeviceSpec>>();
        foreach (DeviceSpec d in map.Devices)
        {
            if (DeviceTypes.Get(d.Type!).Normalize is { } normalize)
            {
                if (!together.TryGetValue(normalize, out var list))
                {
                    together[normalize] = list = [];
                }

                list.Add(d);
            }
        }

        foreach (var (normalize, devices) in together)
        {
            normalize(devices);
        }
    }

    /// <summary>Every field set must be one the type declares, of the declared kind.</summary>
    private static void ValidateFields(DeviceType type, DeviceSpec d, string at, List<string> errors)
    {
        foreach (string field in d.SetFields())
        {
            if (!type.HasField(field))
            {
                string known = type.Fields.Count == 0 ? "it has none besides name, type, rateHz, gpioChip and channels"
                    : "its fields are " + string.Join(", ", type.Fields.Select(f => f.Name));
                errors.Add($"{at}.{field}: {type.Name} has no field '{field}'; {known}");
            }
        }

        if (d.Extra is null)
        {
            return;
        }

        foreach (DeviceField f in type.Fields)
        {
            if (d.Extra.TryGetValue(f.Name, out System.Text.Json.JsonElement e) && !DeviceSpec.HasKind(e, f.Kind, out string expected))
            {
                string raw = e.GetRawText();
                errors.Add($"{at}.{f.Name}: must be {expected}, got {(raw.Length > 40 ? raw[..40] + "…" : raw)}");
            }
        }
    }

    private static void ValidateChannels(DeviceType type, DeviceSpec d, string at, List<string> errors)
    {
        string[] channels = type.ChannelNames(d);
        bool actuator = type.IsActuator;
        if (d.Channels is null || d.Channels.Count == 0)
        {
            errors.Add($"{at}.channels: must bind at least one channel ({string.Join(", ", channels)})");
            return;
        }

        if (d.Channels.Count > DeviceMap.MaxChannels)
        {
            errors.Add($"{at}.channels: at most {DeviceMap.MaxChannels} bindings, got {d.Channels.Count}");
            return;
        }

        var bound = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < d.Channels.Count; j++)
        {
            string cat = $"{at}.channels[{j}]";
            ChannelBinding? c = d.Channels[j];
            if (c is null)
            {
                errors.Add($"{cat}: must be an object, got null");
                continue;
            }

            if (string.IsNullOrEmpty(c.Channel))
            {
                errors.Add($"{cat}.channel: required, one of {string.Join(", ", channels)}");
            }
            else if (Array.IndexOf(channels, c.Channel) < 0)
            {
                errors.Add($"{cat}.channel: {d.Type} has no channel '{c.Channel}'; its channels are {string.Join(", ", channels)}");
            }
            else if (!bound.Add(c.Channel) && actuator)
            {
                errors.Add($"{cat}.channel: '{c.Channel}' is bound twice; an actuator channel takes one decoder");
            }

            int neuronCount = -1;
            if (c.Neurons is null || c.Neurons.Count == 0)
            {
                errors.Add($"{cat}.neurons: must list at least one neuron name");
            }
            else if (c.Neurons.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{cat}.neurons: names must be non-empty");
            }
            else
            {
                long listed = DeviceMap.CountNeurons(c.Neurons);
                if (listed > DeviceMap.MaxNeuronsPerChannel)
                {
                    errors.Add($"{cat}.neurons: at most {DeviceMap.MaxNeuronsPerChannel} neurons, got {listed}");
                }
                else
                {
                    neuronCount = (int)listed;
                }
            }

            if (actuator)
            {
                if (c.Encoder is not null)
                {
                    errors.Add($"{cat}.encoder: {d.Type} is an actuator: bind its channels with a decoder");
                }

                if (c.Decoder is null)
                {
                    errors.Add($"{cat}.decoder: required for an actuator channel");
                }
                else
                {
                    int? expected = Codings.DecoderNeurons(c.Decoder, $"{cat}.decoder", errors);
                    if (expected is { } n && neuronCount >= 0 && n != neuronCount)
                    {
                        errors.Add($"{cat}.neurons: the {c.Decoder.Type} decoder reads {n} neuron(s), {neuronCount} listed");
                    }
                }
            }
            else
            {
                if (c.Decoder is not null)
                {
                    errors.Add($"{cat}.decoder: {d.Type} is a sensor: bind its channels with an encoder");
                }

                if (c.Encoder is null)
                {
                    errors.Add($"{cat}.encoder: required for a sensor channel");
                }
                else
                {
                    int? expected = Codings.EncoderNeurons(c.Encoder, $"{cat}.encoder", errors);
                    if (expected is { } n && neuronCount >= 0 && n != neuronCount)
                    {
                        errors.Add($"{cat}.neurons: the {c.Encoder.Type} encoder writes {n} neuron(s), {neuronCount} listed");
                    }
                }
            }
        }

        if (actuator)
        {
            foreach (string ch in channels)
            {
                if (!bound.Contains(ch))
                {
                    errors.Add($"{at}.channels: actuator channel '{ch}' has no binding; every command channel needs a decoder");
                }
            }
        }
    }

    internal static string Num(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}

/// <summary>Validates encoder/decoder specs and builds them.</summary>
public static class Codings
{
    public static readonly string[] EncoderTypes = ["threshold", "linear", "binary", "population", "poisson", "regular"];
    public static readonly string[] DecoderTypes = ["argmax", "linear", "threshold", "spike_count"];

    private static string Num(double v) => DeviceMapValidator.Num(v);

    /// <summary>
    /// Largest magnitude of any coding parameter. JSON numbers beyond a float's range (1e39) arrive as infinity; the
    /// limit also keeps sums such as value·scale + offset well inside float range.
    /// </summary>
    public const float MaxMagnitude = 1e9f;

    private static void Finite(List<string> errors, string at, params ReadOnlySpan<(string Field, float? Value)> fields)
    {
        foreach (var (field, value) in fields)
        {
            if (value is { } v && (!float.IsFinite(v) || MathF.Abs(v) > MaxMagnitude))
                errors.Add($"{at}.{field}: must be a finite number within ±{Num(MaxMagnitude)}, got {Num(v)}");
        }
    }

    /// <summary>Neurons the encoder writes, or null after adding errors.</summary>
    internal static int? EncoderNeurons(EncoderSpec e, string at, List<string> errors)
    {
        int before = errors.Count;
        Finite(errors, at, ("threshold", e.Threshold), ("high", e.High), ("low", e.Low), ("inMin", e.InMin), ("inMax", e.InMax), ("outMin", e.OutMin),
            ("outMax", e.OutMax), ("offset", e.Offset), ("scale", e.Scale), ("min", e.Min), ("max", e.Max), ("sigma", e.Sigma), ("gain", e.Gain),
            ("maxProbability", e.MaxProbability));
        if (errors.Count > before) return null;
        int n = 1;
        void Need(float? v, string field)
        {
            if (v is null)
            {
                errors.Add($"{at}.{field}: required for the {e.Type} encoder");
            }
            else if (!float.IsFinite(v.Value))
            {
                errors.Add($"{at}.{field}: must be finite, got {Num(v.Value)}");
            }
        }

        switch (e.Type)
        {
            case "threshold":
                Need(e.Threshold, "threshold");
                break;
            case "linear":
                Need(e.InMin, "inMin");
                Need(e.InMax, "inMax");
                if (e.InMin is { } a && e.InMax is { } b && a == b)
                {
                    errors.Add($"{at}.inMax: must differ from inMin ({Num(a)})");
                }

                break;
            case "binary":
                if (e.Bits is null)
                {
                    errors.Add($"{at}.bits: required for the binary encoder (1..32)");
                }
                else if (e.Bits is < 1 or > 32)
                {
                    errors.Add($"{at}.bits: must be 1..32, got {e.Bits}");
                }
                else
                {
                    n = e.Bits.Value;
                }

                if (e.Scale is { } scale && !(float.IsFinite(scale) && scale != 0))
                {
                    errors.Add($"{at}.scale: must be a finite non-zero number, got {Num(scale)}");
                }

                break;
            case "population":
                if (e.Count is null or < 2 or > 1024)
                {
                    errors.Add($"{at}.count: must be 2..1024, got {e.Count?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
                }
                else
                {
                    n = e.Count.Value;
                }

                Need(e.Min, "min");
                Need(e.Max, "max");
                if (e.Min is { } lo && e.Max is { } hi && !(hi > lo))
                {
                    errors.Add($"{at}.max: must be greater than min ({Num(lo)}), got {Num(hi)}");
                }

                if (e.Sigma is { } s && !(s >= 0 && float.IsFinite(s)))
                {
                    errors.Add($"{at}.sigma: must be >= 0 (0 = centre spacing), got {Num(s)}");
                }

                break;
            case "poisson":
            case "regular":
                Need(e.InMin, "inMin");
                Need(e.InMax, "inMax");
                if (e.InMin is { } a2 && e.InMax is { } b2 && a2 == b2)
                {
                    errors.Add($"{at}.inMax: must differ from inMin ({Num(a2)})");
                }

                if (e.MaxProbability is { } p && !(p > 0 && p <= 1))
                {
                    errors.Add($"{at}.maxProbability: must be in (0, 1] (spike probability per period), got {Num(p)}");
                }

                if (e.Count is { } c && c is < 1 or > 1024)
                {
                    errors.Add($"{at}.count: must be 1..1024, got {c}");
                }
                else
                {
                    n = e.Count ?? 1;
                }

                break;
            default:
                errors.Add($"{at}.type: unknown encoder '{e.Type}', expected one of {string.Join(", ", EncoderTypes)}");
                break;
        }

        return errors.Count == before ? n : null;
    }

    /// <summary>Neurons the decoder reads, or null after adding errors.</summary>
    internal static int? DecoderNeurons(DecoderSpec d, string at, List<string> errors)
    {
        int before = errors.Count;
        Finite(errors, at, ("minActivation", d.MinActivation), ("fallback", d.Fallback), ("inMin", d.InMin), ("inMax", d.InMax), ("outMin", d.OutMin),
            ("outMax", d.OutMax), ("threshold", d.Threshold), ("high", d.High), ("low", d.Low), ("spikeThreshold", d.SpikeThreshold));
        for (int i = 0; d.Values is not null && i < d.Values.Count && i < 1025; i++)
        {
            if (!float.IsFinite(d.Values[i]) || MathF.Abs(d.Values[i]) > MaxMagnitude) errors.Add($"{at}.values[{i}]: must be a finite number within ±{Num(MaxMagnitude)}, got {Num(d.Values[i])}");
        }

        if (errors.Count > before) return null;
        int n = 1;
        switch (d.Type)
        {
            case "argmax":
                if (d.Values is null || d.Values.Count == 0)
                {
                    errors.Add($"{at}.values: required, one command value per neuron (e.g. [1, -1, 0])");
                }
                else if (d.Values.Count > 1024)
                {
                    errors.Add($"{at}.values: at most 1024 values, got {d.Values.Count}");
                }
                else
                {
                    n = d.Values.Count;
                }

                break;
            case "linear":
                if (d.OutMin is null || d.OutMax is null)
                {
                    errors.Add($"{at}.outMin/outMax: required for the linear decoder (e.g. 0 and 180 for a servo angle)");
                }

                if ((d.InMin ?? -1f) == (d.InMax ?? 1f))
                {
                    errors.Add($"{at}.inMax: must differ from inMin");
                }

                break;
            case "threshold":
                if (d.Threshold is null)
                {
                    errors.Add($"{at}.threshold: required for the threshold decoder");
                }

                break;
            case "spike_count":
                if (d.Window is null or < 1 or > 1_000_000)
                {
                    errors.Add($"{at}.window: must be 1..1000000 periods, got {d.Window?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
                }

                break;
            default:
                errors.Add($"{at}.type: unknown decoder '{d.Type}', expected one of {string.Join(", ", DecoderTypes)}");
                break;
        }

        return errors.Count == before ? n : null;
    }

    /// <summary>Builds a validated encoder spec.</summary>
    public static IEncoder CreateEncoder(EncoderSpec e) => e.Type switch
    {
        "threshold" => new ThresholdEncoder(e.Threshold!.Value, e.High ?? 1f, e.Low ?? 0f),
        "linear" => new LinearEncoder(e.InMin!.Value, e.InMax!.Value, e.OutMin ?? 0f, e.OutMax ?? 1f),
        "binary" => new BinaryCodeEncoder(e.Bits!.Value, e.Offset ?? 0f, e.High ?? 1f, e.Low ?? 0f, e.Scale ?? 1f),
        "population" => new PopulationEncoder(e.Count!.Value, e.Min!.Value, e.Max!.Value, e.Sigma ?? 0f, e.Gain ?? 1f),
        "poisson" => new SpikeEncoder(SpikeMode.Poisson, e.InMin!.Value, e.InMax!.Value, e.MaxProbability ?? 1f, e.Count ?? 1, e.Seed ?? 1),
        "regular" => new SpikeEncoder(SpikeMode.Regular, e.InMin!.Value, e.InMax!.Value, e.MaxProbability ?? 1f, e.Count ?? 1, e.Seed ?? 1),
        _ => throw new ArgumentException($"unknown encoder '{e.Type}'"),
    };

    /// <summary>Builds a validated decoder spec.</summary>
    public static IDecoder CreateDecoder(DecoderSpec d) => d.Type switch
    {
        "argmax" => new ArgmaxDecoder(d.Values!.ToArray(), d.MinActivation ?? float.NegativeInfinity, d.Fallback ?? 0f),
        "linear" => new LinearDecoder(d.InMin ?? -1f, d.InMax ?? 1f, d.OutMin!.Value, d.OutMax!.Value, d.Fallback ?? 0f),
        "threshold" => new ThresholdDecoder(d.Threshold!.Value, d.High ?? 1f, d.Low ?? 0f),
        "spike_count" => new SpikeCountDecoder(d.Window!.Value, d.SpikeThreshold ?? 0.5f, d.OutMin ?? 0f, d.OutMax ?? 1f),
        _ => throw new ArgumentException($"unknown decoder '{d.Type}'"),
    };
}
