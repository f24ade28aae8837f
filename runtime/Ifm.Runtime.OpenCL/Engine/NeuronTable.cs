using Ifm.Runtime.Model;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>
/// Per-neuron kind codes and parameters for the tick kernel, so one launch updates every population. The derived
/// constants (dt/τ, 1 − dt/τ) are computed exactly as the CPU engine computes them, in float.
/// </summary>
internal sealed class NeuronTable
{
    public const int IfmInput = 0;
    public const int Ifm = 1;
    public const int Leaky = 2;
    public const int Lif = 3;

    private NeuronTable(int n)
    {
        Kind = new int[n];
        Mode = new int[n];
        RefractoryTicks = new int[n];
        P0 = new float[n];
        P1 = new float[n];
        P2 = new float[n];
        P3 = new float[n];
        P4 = new float[n];
    }

    public int[] Kind { get; }

    /// <summary>Leaky: the activation (tanh 0, sigmoid 1, relu 2, identity 3); LIF: 1 = subtract threshold.</summary>
    public int[] Mode { get; }

    public int[] RefractoryTicks { get; }

    /// <summary>IFM: a. Leaky, LIF: dt/τ.</summary>
    public float[] P0 { get; }

    /// <summary>Leaky: 1 − dt/τ. LIF: v_threshold.</summary>
    public float[] P1 { get; }

    /// <summary>LIF: v_reset.</summary>
    public float[] P2 { get; }

    /// <summary>LIF: v_leak.</summary>
    public float[] P3 { get; }

    /// <summary>LIF: R.</summary>
    public float[] P4 { get; }

    public static NeuronTable Build(IfmModel model)
    {
        var t = new NeuronTable(model.NeuronCount);
        float dt = model.Dt;
        foreach (var p in model.Populations)
        {
            var q = p.Parameters;
            for (int j = 0; j < p.Count; j++)
            {
                int i = p.Start + j;
                switch (p.Kind)
                {
                    case NeuronKind.Ifm:
                        t.Kind[i] = p.Role == NeuronRole.Input ? IfmInput : Ifm;
                        t.P0[i] = q.A[j];
                        break;
                    case NeuronKind.Leaky:
                        t.Kind[i] = Leaky;
                        t.Mode[i] = (int)q.Activation;
                        t.P0[i] = dt / q.Tau[j];
                        t.P1[i] = 1f - t.P0[i];
                        break;
                    default:
                        t.Kind[i] = Lif;
                        t.Mode[i] = q.ResetMode == LifResetMode.SubtractThreshold ? 1 : 0;
                        t.RefractoryTicks[i] = q.RefractoryTicks;
                        t.P0[i] = dt / q.Tau[j];
                        t.P1[i] = q.VThreshold[j];
                        t.P2[i] = q.VReset[j];
                        t.P3[i] = q.VLeak[j];
                        t.P4[i] = q.Resistance[j];
                        break;
                }
            }
        }

        return t;
    }
}
