using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>Pair-based STDP on the device: kernel stdp_edges, then stdp_traces over every neuron (x_pre, z_post per neuron).</summary>
internal sealed class StdpDeviceLearner : DeviceLearner
{
    private readonly StdpRule _rule;
    private readonly DeviceBuffer<float> _x;
    private readonly DeviceBuffer<float> _z;
    private readonly ClKernelCall _traces;
    private readonly int _neurons;

    public StdpDeviceLearner(ClRuntime rt, IfmModel model, int group, DeviceNetwork net, StdpRule rule) : base(rt, model, group, net, "stdp_edges")
    {
        _rule = rule;
        _neurons = model.NeuronCount;
        _x = rt.Buffer<float>(_neurons);
        _z = rt.Buffer<float>(_neurons);
        _x.Clear();
        _z.Clear();
        float decayPlus = MathF.Exp(-model.Dt / rule.TauPlus), decayMinus = MathF.Exp(-model.Dt / rule.TauMinus);
        Kernel.Arg(0, EdgeIndex.Length).Arg(1, Edges).Arg(2, net.Pre).Arg(3, net.Post).Arg(5, _x).Arg(6, _z).Arg(7, net.W)
            .Arg(8, decayPlus).Arg(9, decayMinus).Arg(12, rule.WMin).Arg(13, rule.WMax);
        _traces = rt.Kernel("stdp_traces").Arg(0, _neurons).Arg(1, _x).Arg(2, _z).Arg(4, decayPlus).Arg(5, decayMinus).Arg(6, net.Fault);
    }

    public override string FaultSubject => "the weight";

    public override void Enqueue(DeviceBuffer<float> yPrev, DeviceBuffer<float> yNow, float scale, float modulator, long tick)
    {
        Kernel.Arg(4, yNow).Arg(10, _rule.APlus * scale).Arg(11, _rule.AMinus * scale);
        SetTail(14, tick);
        Launch();
        _traces.Arg(3, yNow).Enqueue(_neurons, GroupSize, fixedGroup: false);
    }

    public override void Save(SessionState state)
    {
        state.Floats[Key("x_pre")] = _x.ToArray();
        state.Floats[Key("z_post")] = _z.ToArray();
    }

    public override void Load(SessionState state)
    {
        _x.Write(state.Float(Key("x_pre"), _neurons));
        _z.Write(state.Float(Key("z_post"), _neurons));
    }

    public override void Reset()
    {
        base.Reset();
        _x.Clear();
        _z.Clear();
    }
}

/// <summary>Oja's rule on the device (kernel oja).</summary>
internal sealed class OjaDeviceLearner : DeviceLearner
{
    private readonly OjaRule _rule;

    public OjaDeviceLearner(ClRuntime rt, IfmModel model, int group, DeviceNetwork net, OjaRule rule) : base(rt, model, group, net, "oja")
    {
        _rule = rule;
        Kernel.Arg(0, EdgeIndex.Length).Arg(1, Edges).Arg(2, net.Pre).Arg(3, net.Post).Arg(6, net.W).Arg(8, rule.WMin).Arg(9, rule.WMax);
    }

    public override string FaultSubject => "the weight";

    public override void Enqueue(DeviceBuffer<float> yPrev, DeviceBuffer<float> yNow, float scale, float modulator, long tick)
    {
        Kernel.Arg(4, yPrev).Arg(5, yNow).Arg(7, _rule.Eta * scale);
        SetTail(10, tick);
        Launch();
    }
}

/// <summary>PES / delta rule on the device (kernel pes); the errors come from <c>SetErrors</c>.</summary>
internal sealed class PesDeviceLearner : DeviceLearner
{
    private readonly PesRule _rule;

    public PesDeviceLearner(ClRuntime rt, IfmModel model, int group, DeviceNetwork net, PesRule rule) : base(rt, model, group, net, "pes")
    {
        _rule = rule;
        Kernel.Arg(0, EdgeIndex.Length).Arg(1, Edges).Arg(2, net.Pre).Arg(3, net.Post).Arg(5, net.ErrorOfNeuron).Arg(6, net.W)
            .Arg(8, rule.WMin).Arg(9, rule.WMax);
    }

    public override string FaultSubject => "the weight";

    public override void Enqueue(DeviceBuffer<float> yPrev, DeviceBuffer<float> yNow, float scale, float modulator, long tick)
    {
        Kernel.Arg(4, yPrev).Arg(7, _rule.Kappa * scale);
        SetTail(10, tick);
        Launch();
    }
}
