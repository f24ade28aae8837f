using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// The reference every backend is checked against: a plain scalar tick written from the definitions, not from any
/// backend. The synaptic sum of each neuron's incoming edges is exact (double) and rounded once; every neuron runs its kind's
/// reference update (<see cref="NeuronModel.Step"/>, the runtime's one definition of the kind); the plasticity rules
/// are written here from their documented equations (Runtime/Plasticity/*Rule.cs), edge by edge, group by group.
/// </summary>
internal sealed class ReferenceNetwork
{
    private readonly IfmModel _m;
    private readonly NeuronCell[] _cells;
    private readonly NeuronModel[] _kind;
    private readonly float[] _w, _external, _error, _stdpPre, _stdpPost, _trace, _eligibility;
    private float[] _y, _next;
    private readonly NeuronVars[] _vars;
    private float _modulator;

    public ReferenceNetwork(IfmModel model)
    {
        _m = model;
        int n = model.NeuronCount, e = model.EdgeCount;
        _cells = new NeuronCell[n];
        _kind = new NeuronModel[n];
        foreach (var p in model.Populations)
        {
            var k = NeuronModels.Of(p.Kind);
            for (int j = 0; j < p.Count; j++)
            {
                _cells[p.Start + j] = k.Pack(p.Parameters, j, p.Role, model.Dt);
                _kind[p.Start + j] = k;
            }
        }

        _w = model.Weight.ToArray();
        _external = new float[n];
        _error = new float[n];
        _stdpPre = new float[n * model.EdgeGroups.Count];
        _stdpPost = new float[n * model.EdgeGroups.Count];
        _trace = new float[e];
        _eligibility = new float[e];
        _y = new float[n];
        _next = new float[n];
        _vars = new NeuronVars[n];
    }

    public ReadOnlySpan<float> Outputs => _y;

    public float[] States => [.. _vars.Select(v => v.S0)];

    public float[] Currents => [.. _vars.Select(v => v.S1)];

    public int[] Refractory => [.. _vars.Select(v => v.Refractory)];

    public ReadOnlySpan<float> Weights => _w;

    public void SetInputs(ReadOnlySpan<float> x)
    {
        var inputs = _m.InputNeurons;
        for (int c = 0; c < inputs.Length; c++) _external[inputs[c]] = x[c];
    }

    public void SetModulator(float m) => _modulator = m;

    public void SetErrors(ReadOnlySpan<float> errors)
    {
        var outputs = _m.OutputNeurons;
        for (int c = 0; c < outputs.Length; c++) _error[outputs[c]] = errors[c];
    }

    public void Step()
    {
        var rowStart = _m.RowStart;
        var pre = _m.Pre;
        for (int i = 0; i < _m.NeuronCount; i++)
        {
            // The sum in double, rounded once: the correctly rounded float sum, which no summation order beats.
            double syn = 0;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) syn += (double)_w[k] * _y[pre[k]];
            _next[i] = _kind[i].Step(_cells[i], (float)syn, _m.Bias[i], _external[i], ref _vars[i], out _);
        }

        Learn(_y, _next);
        (_y, _next) = (_next, _y);
    }

    private void Learn(float[] yPrev, float[] yNow)
    {
        var pre = _m.Pre;
        var post = _m.Post;
        var group = _m.Group;
        int n = _m.NeuronCount;
        for (int g = 0; g < _m.EdgeGroups.Count; g++)
        {
            var rule = _m.EdgeGroups[g].Rule;
            if (rule is StdpRule s)
            {
                // Decay both traces, update edges from this tick's spikes, then add the spikes to the traces.
                float dp = MathF.Exp(-_m.Dt / s.TauPlus), dm = MathF.Exp(-_m.Dt / s.TauMinus);
                var x = _stdpPre.AsSpan(g * n, n);
                var z = _stdpPost.AsSpan(g * n, n);
                for (int i = 0; i < n; i++)
                {
                    x[i] *= dp;
                    z[i] *= dm;
                }

                for (int k = 0; k < _m.EdgeCount; k++)
                {
                    if (group[k] != g) continue;
                    _w[k] = Math.Clamp(_w[k] + s.APlus * yNow[post[k]] * x[pre[k]] - s.AMinus * yNow[pre[k]] * z[post[k]], s.WMin, s.WMax);
                }

                for (int i = 0; i < n; i++)
                {
                    x[i] += yNow[i];
                    z[i] += yNow[i];
                }

                continue;
            }

            for (int k = 0; k < _m.EdgeCount; k++)
            {
                if (group[k] != g) continue;
                float yp = yPrev[pre[k]], yq = yNow[post[k]];
                switch (rule)
                {
                    case HebbianTraceRule h:
                    {
                        // H ← (1 − η)·H + η·y_pre(t−1)·y_post(t), clipped; w_eff = clamp(w + α·H).
                        float tr = (1f - h.Eta) * _trace[k] + h.Eta * yp * yq;
                        if (h.Clip) tr = Math.Clamp(tr, -1f, 1f);
                        _trace[k] = tr;
                        _w[k] = Math.Clamp(_m.Weight[k] + _m.Alpha[k] * tr, h.WMin, h.WMax);
                        break;
                    }

                    case NeuromodulatedRule nm:
                    {
                        // E ← (1 − η)·E + η·y_pre(t−1)·y_post(t); H ← clip(H + M·E); w_eff = clamp(w + α·H).
                        float mod = nm.Modulator.Kind switch
                        {
                            ModulatorKind.Input => _external[_m.InputNeurons[_m.FindInput(nm.Modulator.Name)]],
                            ModulatorKind.Neuron => yNow[NeuronNamed(nm.Modulator.Name)],
                            _ => _modulator,
                        };
                        float el = (1f - nm.Eta) * _eligibility[k] + nm.Eta * yp * yq;
                        _eligibility[k] = el;
                        _trace[k] = Math.Clamp(_trace[k] + mod * el, -1f, 1f);
                        _w[k] = Math.Clamp(_m.Weight[k] + _m.Alpha[k] * _trace[k], nm.WMin, nm.WMax);
                        break;
                    }

                    case OjaRule o:
                        _w[k] = Math.Clamp(_w[k] + o.Eta * yq * (yp - yq * _w[k]), o.WMin, o.WMax);
                        break;
                    case PesRule pes:
                        if (_error[post[k]] != 0) _w[k] = Math.Clamp(_w[k] - pes.Kappa * _error[post[k]] * yp, pes.WMin, pes.WMax);
                        break;
                }
            }
        }
    }

    private int NeuronNamed(string name)
    {
        foreach (var p in _m.Populations)
        {
            for (int j = 0; j < p.Count; j++)
            {
                if (p.Labels[j] == name) return p.Start + j;
            }
        }

        throw new ArgumentException($"no neuron '{name}'");
    }
}
