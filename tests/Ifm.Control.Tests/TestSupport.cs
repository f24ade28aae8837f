using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Plasticity;

namespace Ifm.Control.Tests;

internal static class Paths
{
    public static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "models", name);

    public static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "IFM.sln"))) return d.FullName;
        }

        throw new InvalidOperationException("repository root (IFM.sln) not found above " + AppContext.BaseDirectory);
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ifm-control-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}

internal static class Models
{
    /// <summary>One input x, one output y whose bias keeps it high (tanh(2) ≈ 0.96): the output line is on every period.</summary>
    public static IfmModel AlwaysOn()
    {
        var b = new ModelBuilder { Name = "always-on" };
        b.AddPopulation("x", NeuronKind.Ifm, NeuronRole.Input, 1);
        int y = b.AddPopulation("y", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]));
        b.SetBias(y, 2f);
        b.AddEdgeGroup("none");
        b.AddEdge(0, 1, 0.1f);
        return b.Build();
    }

    /// <summary>
    /// The demo's Pavlov network: F → S innate, R → S at w = 0 under a differentiable Hebbian trace (α = 3).
    /// Neuron names F, R, S as in devices/examples/pavlov-sim.json.
    /// </summary>
    public static IfmModel PavlovHebbian(float eta)
    {
        var b = new ModelBuilder { Name = "pavlov-hebbian" };
        int f = b.AddPopulation("F", NeuronKind.Ifm, NeuronRole.Input, 1);
        int r = b.AddPopulation("R", NeuronKind.Ifm, NeuronRole.Input, 1);
        int s = b.AddPopulation("S", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]));
        b.AddEdgeGroup("innate");
        int conditioning = b.AddEdgeGroup("conditioning", new HebbianTraceRule(eta: eta, clip: true, wMin: -4f, wMax: 4f));
        b.AddEdge(f, s, 3f);
        b.AddEdge(r, s, 0f, conditioning, alpha: 3f);
        return b.Build();
    }
}

internal static class Maps
{
    /// <summary>digital_input on GPIO 5 → x; y → digital_output on GPIO 6 (safe state low).</summary>
    public static DeviceMap InOut(double rate = 1000) => DeviceMap.Parse($$"""
        { "version": 1, "loopRateHz": {{rate}}, "devices": [
          { "name": "button", "type": "digital_input", "pin": 5,
            "channels": [ { "channel": "level", "neurons": ["x"], "encoder": { "type": "threshold", "threshold": 0.5 } } ] },
          { "name": "lamp", "type": "digital_output", "pin": 6, "safeState": { "value": 0 },
            "channels": [ { "channel": "value", "neurons": ["y"], "decoder": { "type": "threshold", "threshold": 0.5 } } ] } ] }
        """, "in-out map");
}

/// <summary>A session that delegates to a real one and can be told to fail or to be slow in a given period.</summary>
internal sealed class FaultySession(INetworkSession inner) : INetworkSession
{
    private long _steps;

    public long ThrowAtStep { get; set; } = -1;
    public long SleepAtStep { get; set; } = -1;
    public int SleepMilliseconds { get; set; }
    public Action? BeforeThrow { get; set; }

    public IfmModel Model => inner.Model;
    public IPlasticityControl Plasticity => inner.Plasticity;
    public long Tick => inner.Tick;
    public void SetInputs(ReadOnlySpan<float> values) => inner.SetInputs(values);
    public void SetInput(int channel, float value) => inner.SetInput(channel, value);

    public void Step(int ticks = 1)
    {
        long n = _steps++;
        if (n == ThrowAtStep)
        {
            BeforeThrow?.Invoke();
            throw new InvalidOperationException("injected step failure");
        }

        if (n == SleepAtStep) Thread.Sleep(SleepMilliseconds);
        inner.Step(ticks);
    }

    public void ReadOutputs(Span<float> destination) => inner.ReadOutputs(destination);
    public void Reset() => inner.Reset();
    public SessionState Snapshot() => inner.Snapshot();
    public void Restore(SessionState state) => inner.Restore(state);
    public void Dispose() => inner.Dispose();
}
