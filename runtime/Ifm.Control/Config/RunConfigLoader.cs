using System.Globalization;
using System.Text.Json;
using Ifm.Runtime.Engine;

namespace Ifm.Control.Config;

/// <summary>Reads, validates and resolves <see cref="RunConfig"/> files.</summary>
public static class RunConfigLoader
{
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Slowest loop rate accepted: one period every 1000 s.</summary>
    public const double MinRateHz = 0.001;

    /// <summary>Loads <paramref name="path"/>; relative paths in it resolve against its folder. Throws <see cref="RunConfigException"/>.</summary>
    /// <param name="backends">The backends "backend" may name (default: the CPU engine and auto).</param>
    public static RunConfig Load(string path, BackendList? backends = null)
    {
        string text;
        try
        {
            if (Directory.Exists(path)) throw new RunConfigException(path, ["is a directory, not a configuration file"]);
            if (!File.Exists(path)) throw new RunConfigException(path, ["the configuration file does not exist"]);
            text = Ifm.Runtime.Format.BoundedFile.ReadAllText(path, MaxFileBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new RunConfigException(path, [$"cannot read the file: {why}"], e);
        }

        RunConfig config = Parse(text, path, backends);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        config.Model = Resolve(folder, config.Model);
        config.Devices = Resolve(folder, config.Devices);
        config.Checkpoint = Resolve(folder, config.Checkpoint);
        if (config.Learning?.Watchdog is { } w) w.Checkpoint = Resolve(folder, w.Checkpoint);
        return config;
    }

    /// <summary>Parses and validates configuration text (paths are not resolved).</summary>
    public static RunConfig Parse(string json, string source = "run configuration", BackendList? backends = null)
    {
        RunConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(json, RunConfigJsonContext.Default.RunConfig);
        }
        catch (JsonException e)
        {
            throw new RunConfigException(source, [Describe(e)], e);
        }

        if (config is null) throw new RunConfigException(source, ["the document is null; expected an object"]);
        var errors = Validate(config, requireModel: true, backends);
        if (errors.Count > 0) throw new RunConfigException(source, errors);
        return config;
    }

    /// <summary>The most threads a run may ask for.</summary>
    public const int MaxThreads = 256;

    /// <summary>Every problem of <paramref name="c"/>, each prefixed with its key.</summary>
    public static List<string> Validate(RunConfig c, bool requireModel, BackendList? backends = null)
    {
        var e = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        if (requireModel && string.IsNullOrWhiteSpace(c.Model)) e.Add("model: required (path of the .ifm model)");
        if (c.Sim is not (null or "pong" or "pavlov" or "servo")) e.Add($"sim: must be null, \"pong\", \"pavlov\" or \"servo\", got \"{c.Sim}\"");
        if (c.Sim is null && string.IsNullOrWhiteSpace(c.Devices)) e.Add("devices: required unless sim names a built-in simulated plant");
        if (c.Simulate && c.Sim is not null) e.Add("simulate: binds the devices map to its simulators; sim names a built-in plant instead: give one of them");
        if (c.Simulate && string.IsNullOrWhiteSpace(c.Devices)) e.Add("simulate: needs devices (the map to dry-run)");
        if (c.RateHz is { } r && !(r >= MinRateHz && r <= 100_000)) e.Add(string.Create(inv, $"rateHz: must be in [{MinRateHz}, 100000] Hz, got {r}"));
        if (c.RateHz is { } hz && c.DurationSeconds is { } dd && hz >= MinRateHz && dd > 0 && dd * hz < 0.5)
            e.Add(string.Create(inv, $"durationSeconds: {dd} s at {hz} Hz is less than one period"));
        if (c.TicksPerPeriod is < 1 or > 1_000_000) e.Add($"ticksPerPeriod: must be 1..1000000, got {c.TicksPerPeriod}");
        if (c.DurationSeconds is { } d && !(d > 0 && d <= 1e9)) e.Add(string.Create(inv, $"durationSeconds: must be null or > 0, got {d}"));
        if (c.Threads is < 1 or > MaxThreads) e.Add($"threads: must be 1..{MaxThreads}, got {c.Threads}");
        if (c.Plasticity is not ("on" or "off")) e.Add($"plasticity: must be \"on\" or \"off\", got \"{c.Plasticity}\"");
        if (c.CheckpointIntervalSeconds is { } ci && !(ci > 0 && ci <= 1e7)) e.Add(string.Create(inv, $"checkpointIntervalSeconds: must be null or > 0, got {ci}"));
        if (c.CheckpointIntervalSeconds is not null && c.Checkpoint is null) e.Add("checkpointIntervalSeconds: needs checkpoint (the file to write)");
        if (c.OverrunPolicy is not ("count" or "skip" or "safe-stop")) e.Add($"overrunPolicy: must be \"count\", \"skip\" or \"safe-stop\", got \"{c.OverrunPolicy}\"");
        if (!Loop.NonFinitePolicies.TryParse(c.NonFinitePolicy, out _)) e.Add($"nonFinitePolicy: must be \"fault\", \"hold\" or \"reset\", got \"{c.NonFinitePolicy}\"");
        if (c.NonFiniteLimit is < 1 or > 1_000_000_000) e.Add($"nonFiniteLimit: must be 1..1000000000 periods, got {c.NonFiniteLimit}");
        backends ??= BackendList.CpuOnly;
        if (c.Backend is null || !backends.Accepts(c.Backend))
        {
            var names = backends.Names.Select(n => $"\"{n}\"").ToList();
            e.Add($"backend: must be {string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}, got \"{c.Backend}\"");
        }

        if (c.Realtime is null)
        {
            e.Add("realtime: must be an object, got null");
        }
        else
        {
            if (c.Realtime.Priority is { } p && p is < 1 or > 99) e.Add($"realtime.priority: must be null or 1..99 (SCHED_FIFO), got {p}");
            if (c.Realtime.Cpus is { } cpus)
            {
                if (cpus.Count == 0) e.Add("realtime.cpus: must be null or list at least one CPU");
                for (int i = 0; i < cpus.Count; i++)
                {
                    if (cpus[i] is < 0 or > 1023) e.Add($"realtime.cpus[{i}]: must be 0..1023, got {cpus[i]}");
                    else if (cpus.IndexOf(cpus[i]) != i) e.Add($"realtime.cpus[{i}]: CPU {cpus[i]} is listed twice");
                }
            }
        }

        return e;
    }

    private static string? Resolve(string folder, string? path) =>
        string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(folder, path));

    private static string Describe(JsonException e)
    {
        string key = e.Path is { Length: > 1 } p ? (p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : p.TrimStart('$')) : "";
        string line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
        string msg = e.Message;
        int cut = msg.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) msg = msg[..cut];
        if (msg.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            int q1 = msg.IndexOf('\''), q2 = q1 >= 0 ? msg.IndexOf('\'', q1 + 1) : -1;
            string name = q2 > q1 ? msg[(q1 + 1)..q2] : "?";
            string parent = key.Contains('.', StringComparison.Ordinal) ? key[..key.LastIndexOf('.')] + "." : "";
            if (key.EndsWith(name, StringComparison.Ordinal)) parent = key.Length > name.Length ? key[..^(name.Length + 1)] + "." : "";
            return $"{parent}{name}: unknown key{line}; known keys: model, devices, sim, rateHz, ticksPerPeriod, durationSeconds, plasticity, " +
                "checkpoint, checkpointIntervalSeconds, overrunPolicy, nonFinitePolicy, nonFiniteLimit, realtime {priority, cpus, mlock}, backend, openclDevice, " +
                "learning {modulator, errors, performance, watchdog {floor, window, snapshotEvery, checkpoint}, groups}";
        }

        if (msg.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"{(key.Length > 0 ? key : "(root)")}: wrong type{line}: {msg}";
        }

        return $"{(key.Length > 0 ? key + ": " : "")}invalid JSON{line}: {msg}";
    }
}
