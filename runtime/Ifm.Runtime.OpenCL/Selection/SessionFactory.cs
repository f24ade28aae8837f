using System.Diagnostics;
using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Engine;
using Ifm.Runtime.OpenCL.Interop;

namespace Ifm.Runtime.OpenCL.Selection;

/// <summary>
/// Creates a session on the backend a user asked for. <see cref="Backend.Auto"/> runs the loaded model on both backends
/// for a short time and keeps the faster one (small recurrent networks are often faster on the CPU: an OpenCL tick has a
/// fixed launch and synchronisation cost of tens of µs); when OpenCL is not usable it falls back to the CPU and says why.
/// </summary>
public static class SessionFactory
{
    /// <summary>Parses "cpu", "opencl" or "auto".</summary>
    public static Backend ParseBackend(string value) => value.ToLowerInvariant() switch
    {
        "cpu" => Backend.Cpu,
        "opencl" => Backend.OpenCl,
        "auto" => Backend.Auto,
        _ => throw new ArgumentException($"unknown backend '{value}' (expected cpu, opencl or auto)"),
    };

    /// <param name="openClDevice">"platform:device", part of a device or platform name, or null for the first GPU (else first device).</param>
    /// <param name="configure">Applied to every session made (e.g. plasticity on/off) before auto measures it.</param>
    /// <param name="measureMilliseconds">How long <see cref="Backend.Auto"/> runs each backend.</param>
    /// <exception cref="OpenClException"><see cref="Backend.OpenCl"/> was asked for and OpenCL is not usable.</exception>
    public static BackendChoice Create(IfmModel model, Backend backend, string? openClDevice = null, SessionOptions? cpuOptions = null,
        Action<INetworkSession>? configure = null, double measureMilliseconds = 200)
    {
        ArgumentNullException.ThrowIfNull(model);
        switch (backend)
        {
            case Backend.Cpu:
                return Configured(new BackendChoice(new CpuSession(model, cpuOptions), "cpu", "cpu", null), configure);
            case Backend.OpenCl:
            {
                var s = new OpenClSession(model, openClDevice);
                configure?.Invoke(s);
                return new BackendChoice(s, "opencl", Describe(s), null);
            }

            default:
                return ChooseFaster(model, openClDevice, cpuOptions, configure, measureMilliseconds);
        }
    }

    private static BackendChoice Configured(BackendChoice c, Action<INetworkSession>? configure)
    {
        configure?.Invoke(c.Session);
        return c;
    }

    private static BackendChoice ChooseFaster(IfmModel model, string? openClDevice, SessionOptions? cpuOptions, Action<INetworkSession>? configure, double ms)
    {
        OpenClSession gpu;
        try
        {
            gpu = new OpenClSession(model, openClDevice);
        }
        catch (OpenClException e)
        {
            return Configured(new BackendChoice(new CpuSession(model, cpuOptions), "cpu", "cpu", "OpenCL not usable: " + e.Message), configure);
        }

        var cpu = new CpuSession(model, cpuOptions);
        configure?.Invoke(cpu);
        configure?.Invoke(gpu);
        double cpuUs, gpuUs;
        try
        {
            // Alternate short rounds so both see the same machine load; medians of the rounds.
            var cpuRounds = new List<double>();
            var gpuRounds = new List<double>();
            var inputs = new float[model.InputCount];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = 0.5f;
            cpu.SetInputs(inputs);
            gpu.SetInputs(inputs);
            int cpuTicks = Calibrate(cpu, ms / 16), gpuTicks = Calibrate(gpu, ms / 16);
            for (int r = 0; r < 5; r++)
            {
                cpuRounds.Add(Time(cpu, cpuTicks));
                gpuRounds.Add(Time(gpu, gpuTicks));
            }

            cpuUs = Median(cpuRounds);
            gpuUs = Median(gpuRounds);
        }
        catch (OpenClException e)
        {
            gpu.Dispose();
            cpu.Reset();
            return new BackendChoice(cpu, "cpu", "cpu", "OpenCL failed while measuring: " + e.Message);
        }

        string numbers = string.Create(CultureInfo.InvariantCulture, $"{gpuUs:0.###} µs/tick on {gpu.Device.Name} vs {cpuUs:0.###} µs/tick on the CPU, measured on this model");
        if (gpuUs < cpuUs)
        {
            cpu.Dispose();
            gpu.Reset();
            return new BackendChoice(gpu, "opencl", Describe(gpu), "auto chose opencl: " + numbers);
        }

        gpu.Dispose();
        cpu.Reset();
        return new BackendChoice(cpu, "cpu", "cpu", "auto chose cpu: " + numbers);
    }

    private static string Describe(OpenClSession s) => $"opencl ({s.Device.Id} {s.Device.Name})";

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
