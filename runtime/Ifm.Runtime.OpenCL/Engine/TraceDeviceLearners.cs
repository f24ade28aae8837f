using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>Differentiable Hebbian trace on the device (kernel hebbian_trace); H per edge of the group.</summary>
internal sealed class HebbianTraceDeviceLearner : DeviceLearner
{
    private readonly HebbianTraceRule _rule;
    private readonly DeviceBuffer<float> _h;

    public HebbianTraceDeviceLearner(ClRuntime rt, IfmModel model, int group, DeviceNetwork net, HebbianTraceRule rule)
        : base(rt, model, group, net, "hebbian_trace")
    {
        _rule = rule;
        _h = rt.Buffer<float>(EdgeIndex.Length);
        _h.Clear();
        Kernel.Arg(0, EdgeIndex.Length).Arg(1, Edges).Arg(2, net.Pre).Arg(3, net.Post).Arg(4, net.W0).Arg(5, net.Alpha).Arg(6, _h)
            .Arg(9, net.W).Arg(12, rule.Clip ? 1 : 0).Arg(13, rule.WMin).Arg(14, rule.WMax);
    }

    public override string FaultSubject => "the Hebbian trace";

    public override void Enqueue(DeviceBuffer<float> yPrev, DeviceBuffer<float> yNow, float scale, float modulator, long tick)
    {
        float eta = _rule.Eta * scale;
        Kernel.Arg(7, yPrev).Arg(8, yNow).Arg(10, eta).Arg(11, 1f - eta);
        SetTail(15, tick);
        Launch();
    }

    public override void Save(SessionState state) => state.Floats[Key("H")] = _h.ToArray();

    public override void Load(SessionState state) => _h.Write(state.Float(Key("H"), _h.Length));

    public override void Reset()
    {
        base.Reset();
        _h.Clear();
    }
}

/// <summary>Backpropamine three-factor rule on the device (kernel neuromodulated); E and H per edge of the group.</summary>
internal sealed class NeuromodulatedDeviceLearner : DeviceLearner
{
    private readonly NeuromodulatedRule _rule;
    private readonly DeviceBuffer<float> _e;
    private readonly DeviceBuffer<float> _h;

    public NeuromodulatedDeviceLearner(ClRuntime rt, IfmModel model, int group, DeviceNetwork net, NeuromodulatedRule rule)
        : base(rt, model, group, net, "neuromodulated")
    {
        _rule = rule;
        _e = rt.Buffer<float>(EdgeIndex.Length);
        _h = rt.Buffer<float>(EdgeIndex.Length);
        _e.Clear();
        _h.Clear();
        (int kind, int neuron) = rule.Modulator.Kind switch
        {
            ModulatorKind.Input => (0, model.InputNeurons[model.FindInput(rule.Modulator.Name)]),
            ModulatorKind.Neuron => (1, FindNeuron(model, rule.Modulator.Name)),
            _ => (2, 0),
        };
        Kernel.Arg(0, EdgeIndex.Length).Arg(1, Edges).Arg(2, net.Pre).Arg(3, net.Post).Arg(4, net.W0).Arg(5, net.Alpha)
            .Arg(6, _e).Arg(7, _h).Arg(10, net.External).Arg(11, net.W).Arg(14, kind).Arg(15, neuron)
            .Arg(17, rule.WMin).Arg(18, rule.WMax);
    }

    public override string FaultSubject => "the eligibility or Hebbian trace";

    public override void Enqueue(DeviceBuffer<float> yPrev, DeviceBuffer<float> yNow, float scale, float modulator, long tick)
    {
        float eta = _rule.Eta * scale;
        Kernel.Arg(8, yPrev).Arg(9, yNow).Arg(12, eta).Arg(13, 1f - eta).Arg(16, modulator);
        SetTail(19, tick);
        Launch();
    }

    public override void Save(SessionState state)
    {
        state.Floats[Key("E")] = _e.ToArray();
        state.Floats[Key("H")] = _h.ToArray();
    }

    public override void Load(SessionState state)
    {
        _e.Write(state.Float(Key("E"), _e.Length));
        _h.Write(state.Float(Key("H"), _h.Length));
    }

    public override void Reset()
    {
        base.Reset();
        _e.Clear();
        _h.Clear();
    }

    private static int FindNeuron(IfmModel model, string label)
    {
        foreach (var p in model.Populations)
        {
            for (int i = 0; i < p.Count; i++)
            {
                if (p.Labels[i] == label) return p.Start + i;
            }
        }

        throw new ArgumentException($"modulator neuron '{label}' is not a neuron label of the model");
    }
}
