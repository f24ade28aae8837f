using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>The buffers one learning step reads: outputs before and after the tick, inputs, errors, weights.</summary>
internal sealed class DeviceNetwork
{
    public required DeviceBuffer<int> Pre { get; init; }
    public required DeviceBuffer<int> Post { get; init; }
    public required DeviceBuffer<float> W0 { get; init; }
    public required DeviceBuffer<float> Alpha { get; init; }
    public required DeviceBuffer<float> W { get; init; }
    public required DeviceBuffer<float> External { get; init; }
    public required DeviceBuffer<float> ErrorOfNeuron { get; init; }
    public required DeviceBuffer<int> Fault { get; init; }
}

/// <summary>
/// The device side of one plastic edge group: its edge list, its traces, its kernel and per-work-group change sums.
/// Trace names in snapshots are the CPU engine's ("plasticity.&lt;group&gt;.&lt;trace&gt;"), so checkpoints move between backends.
/// </summary>
internal abstract class DeviceLearner
{
    public const int GroupSize = 64;

    private readonly float[] _lastHost;
    private readonly float[] _totalHost;

    protected DeviceLearner(ClRuntime rt, IfmModel model, int group, DeviceNetwork net, string kernel)
    {
        Model = model;
        Group = group;
        Name = model.EdgeGroups[group].Name;
        Rule = model.EdgeGroups[group].Rule!;
        Net = net;
        var edges = new List<int>();
        var groupOf = model.Group;
        for (int k = 0; k < groupOf.Length; k++)
        {
            if (groupOf[k] == group) edges.Add(k);
        }

        EdgeIndex = [.. edges];
        Edges = rt.Buffer<int>(EdgeIndex);
        int workGroups = Math.Max(1, (EdgeIndex.Length + GroupSize - 1) / GroupSize);
        Last = rt.Buffer<float>(workGroups);
        Total = rt.Buffer<float>(workGroups);
        Last.Clear();
        Total.Clear();
        _lastHost = new float[workGroups];
        _totalHost = new float[workGroups];
        Kernel = rt.Kernel(kernel);
    }

    public IfmModel Model { get; }

    public int Group { get; }

    public string Name { get; }

    public PlasticityRule Rule { get; }

    public bool Enabled { get; set; } = true;

    /// <summary>This group's learning-rate scale on top of the session's.</summary>
    public float RateScale { get; set; } = 1f;

    /// <summary>Global CSR indices of the group's edges.</summary>
    public int[] EdgeIndex { get; }

    /// <summary>What the NaN/Inf guard names when this rule produced a non-finite value.</summary>
    public abstract string FaultSubject { get; }

    protected DeviceNetwork Net { get; }

    protected DeviceBuffer<int> Edges { get; }

    protected DeviceBuffer<float> Last { get; }

    protected DeviceBuffer<float> Total { get; }

    protected ClKernelCall Kernel { get; }

    /// <summary>Enqueues the update for the tick that turned <paramref name="yPrev"/> into <paramref name="yNow"/>.</summary>
    public abstract void Enqueue(DeviceBuffer<float> yPrev, DeviceBuffer<float> yNow, float scale, float modulator, long tick);

    /// <summary>Σ|change| of the last learning tick and since the start (reads the per-work-group sums; no allocation).</summary>
    public (double Last, double Total) ReadChange()
    {
        Last.Read(_lastHost);
        Total.Read(_totalHost);
        double last = 0, total = 0;
        for (int i = 0; i < _lastHost.Length; i++)
        {
            last += _lastHost[i];
            total += _totalHost[i];
        }

        return (last, total);
    }

    public int CountAtBounds(ReadOnlySpan<float> weights)
    {
        int n = 0;
        foreach (int k in EdgeIndex)
        {
            if (weights[k] <= Rule.WMin || weights[k] >= Rule.WMax) n++;
        }

        return n;
    }

    public virtual void Save(SessionState state)
    {
    }

    public virtual void Load(SessionState state)
    {
    }

    /// <summary>Traces and change sums back to zero.</summary>
    public virtual void Reset()
    {
        Last.Clear();
        Total.Clear();
    }

    protected string Key(string trace) => $"plasticity.{Name}.{trace}";

    /// <summary>Arguments shared by every edge kernel after its rule-specific ones, starting at <paramref name="index"/>.</summary>
    protected void SetTail(uint index, long tick)
    {
        Kernel.Arg(index, Net.Fault).Arg(index + 1, Group).Arg(index + 2, tick).Arg(index + 3, Last).Arg(index + 4, Total);
    }

    protected void Launch() => Kernel.Enqueue(EdgeIndex.Length, GroupSize, fixedGroup: true);

    public static DeviceLearner Create(ClRuntime rt, IfmModel model, int group, DeviceNetwork net) => model.EdgeGroups[group].Rule switch
    {
        HebbianTraceRule r => new HebbianTraceDeviceLearner(rt, model, group, net, r),
        NeuromodulatedRule r => new NeuromodulatedDeviceLearner(rt, model, group, net, r),
        StdpRule r => new StdpDeviceLearner(rt, model, group, net, r),
        OjaRule r => new OjaDeviceLearner(rt, model, group, net, r),
        PesRule r => new PesDeviceLearner(rt, model, group, net, r),
        var r => throw new NotSupportedException($"the OpenCL backend has no kernel for plasticity rule {r?.RuleName}"),
    };

    internal static string F(long v) => v.ToString(CultureInfo.InvariantCulture);
}
