using System.Diagnostics;
using System.Globalization;
using Ifm.Core;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// The backends a host offers, by name, plus <see cref="Auto"/>: the one place a backend is chosen. The CPU backend
/// is always in the list; others are appended (the CLI and the C ABI append the OpenCL backend). <see cref="Auto"/>
/// runs the loaded model on every backend that can run here for a short time and keeps the fastest (small recurrent
/// networks are often faster on the CPU: a device tick has a fixed launch and synchronisation cost of tens of µs); a
/// backend that is not usable is left out, with the reason.
/// </summary>
public sealed class BackendList
{
    /// <summary>The name that asks the list to measure its backends and keep the fastest.</summary>
    public const string Auto = "auto";

    private readonly List<IBackend> _backends = [CpuBackend.Instance];

    /// <summary>A list of the CPU backend and <paramref name="others"/>, in that order.</summary>
    public BackendList(params IEnumerable<IBackend> others)
    {
        foreach (IBackend b in others)
        {
            ArgumentNullException.ThrowIfNull(b);
            if (Find(b.Name) is not null) throw new ArgumentException($"backend '{b.Name}' is already in the list", nameof(others));
            _backends.Add(b);
        }
    }

    /// <summary>The CPU engine alone.</summary>
    public static BackendList CpuOnly { get; } = new();

    public IReadOnlyList<IBackend> Backends => _backends;

    /// <summary>Every name <see cref="Create"/> accepts: the backends' and <see cref="Auto"/>, e.g. cpu, opencl, auto.</summary>
    public IReadOnlyList<string> Names => [.. _backends.Select(b => b.Name), Auto];

    public IBackend? Find(string name) => _backends.Find(b => string.Equals(b.Name, name, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Names"/>.</summary>
    public bool Accepts(string name) => name == Auto || Find(name) is not null;

    /// <summary>
    /// Creates a session of <paramref name="model"/> on the backend named <paramref name="name"/>, or on the fastest
    /// for <see cref="Auto"/>. <paramref name="configure"/> is applied to every session made (e.g. plasticity off)
    /// before auto measures it. An unknown name is an <see cref="IfmErrorCode.Configuration"/> error, a backend that
    /// cannot run here an <see cref="IfmErrorCode.Backend"/> error ("OpenCL backend not available: ...").
    /// </summary>
    /// <param name="measureMilliseconds">How long <see cref="Auto"/> runs each backend.</param>
    public BackendChoice Create(IfmModel model, string name, SessionOptions? options = null, Action<INetworkSession>? configure = null,
        double measureMilliseconds = 200)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(name);
        options ??= SessionOptions.Default;
        if (name == Auto) return ChooseFastest(model, options, configure, measureMilliseconds);
        IBackend backend = Find(name) ?? throw new IfmException(IfmErrorCode.Configuration,
            $"unknown backend '{name}' (expected {string.Join(", ", Names.Take(Names.Count - 1))} or {Auto})");
        BackendSession s;
        try
        {
            s = backend.Create(model, options);
        }
        catch (IfmException e) when (e.Code == IfmErrorCode.Backend)
        {
            throw new IfmException(IfmErrorCode.Backend, $"{backend.DisplayName} backend not available: {e.Message}", e);
        }

        return Configured(new BackendChoice(s.Session, backend.Name, s.Description, null), configure);
    }

    private static BackendChoice Configured(BackendChoice c, Action<INetworkSession>? configure)
    {
        try
        {
            configure?.Invoke(c.Session);
        }
        catch
        {
            c.Session.Dispose();
            throw;
        }

        return c;
    }

    private BackendChoice ChooseFastest(IfmModel model, SessionOptions options, Action<INetworkSession>? configure, double ms)
    {
        // Every backend that can run here; the CPU's session last so the messages read "... vs x µs/tick on the CPU".
        var candidates = new List<(IBackend Backend, BackendSession Session)>();
        var unusable = new List<string>();
        foreach (IBackend b in _backends.Skip(1))
        {
            try
            {
                candidates.Add((b, b.Create(model, options)));
            }
            catch (IfmException e) when (e.Code == IfmErrorCode.Backend)
            {
                unusable.Add($"{b.DisplayName} not usable: {e.Message}");
            }
        }

        candidates.Add((CpuBackend.Instance, CpuBackend.Instance.Create(model, options)));
        if (candidates.Count == 1)
        {
            var (cb, cs) = candidates[0];
            string reason = unusable.Count > 0 ? string.Join("; ", unusable) : "no other backend in this build";
            return Configured(new BackendChoice(cs.Session, cb.Name, cs.Description, reason), configure);
        }

        var times = new double[candidates.Count];
        try
        {
            foreach (var c in candidates) configure?.Invoke(c.Session.Session);

            // Alternate short rounds so every backend sees the same machine load; medians of the rounds.
            var rounds = candidates.Select(_ => new List<double>()).ToArray();
            var inputs = new float[model.InputCount];
            Array.Fill(inputs, 0.5f);
            var ticks = new int[candidates.Count];
            for (int i = 0; i < candidates.Count; i++)
            {
                candidates[i].Session.Session.SetInputs(inputs);
                ticks[i] = Calibrate(candidates[i].Session.Session, ms / 16);
            }

            for (int r = 0; r < 5; r++)
            {
                for (int i = 0; i < candidates.Count; i++) rounds[i].Add(Time(candidates[i].Session.Session, ticks[i]));
            }

            for (int i = 0; i < candidates.Count; i++) times[i] = Median(rounds[i]);
        }
        catch (IfmException e) when (e.Code == IfmErrorCode.Backend)
        {
            // A device failed while measuring: keep the CPU, say which failed.
            var failed = candidates.Find(c => !ReferenceEquals(c.Backend, CpuBackend.Instance));
            foreach (var c in candidates.Take(candidates.Count - 1)) c.Session.Session.Dispose();
            var cpu = candidates[^1].Session;
            cpu.Session.Reset();
            configure?.Invoke(cpu.Session);
            return new BackendChoice(cpu.Session, CpuBackend.Instance.Name, cpu.Description, $"{failed.Backend.DisplayName} failed while measuring: {e.Message}");
        }
        catch
        {
            foreach (var c in candidates) c.Session.Session.Dispose();
            throw;
        }

        int best = 0;
        for (int i = 1; i < times.Length; i++)
        {
            if (times[i] < times[best]) best = i;
        }

        for (int i = 0; i < candidates.Count; i++)
        {
            if (i != best) candidates[i].Session.Session.Dispose();
        }

        var (winner, session) = candidates[best];
        session.Session.Reset();
        configure?.Invoke(session.Session); // Reset re-enables learning: apply the caller's settings again
        string numbers = string.Join(" vs ", candidates.Select((c, i) =>
            string.Create(CultureInfo.InvariantCulture, $"{times[i]:0.###} µs/tick on {c.Session.DeviceName}")));
        string note = unusable.Count > 0 ? $" ({string.Join("; ", unusable)})" : "";
        return new BackendChoice(session.Session, winner.Name, session.Description, $"auto chose {winner.Name}: {numbers}, measured on this model{note}");
    }

    /// <summary>
    /// Ticks that take about <paramref name="ms"/> milliseconds, after a warm-up of 8× that long (the JIT's optimised code
    /// and the device's kernel caches are in place before anything is timed; without a JIT this only warms caches).
    /// </summary>
    private static int Calibrate(INetworkSession s, double ms)
    {
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalMilliseconds < ms * 8) s.Step(1);
        int ticks = 1;
        while (true)
        {
            double us = Time(s, ticks) * ticks;
            if (us >= ms * 1000 / 4 || ticks >= 1 << 20) return Math.Max(1, (int)(ticks * ms * 1000 / Math.Max(us, 1)));
            ticks *= 4;
        }
    }

    /// <summary>Microseconds per tick over <paramref name="ticks"/> ticks.</summary>
    private static double Time(INetworkSession s, int ticks)
    {
        long start = Stopwatch.GetTimestamp();
        s.Step(ticks);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / ticks;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
