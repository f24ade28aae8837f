using Ifm.Runtime.Model;

namespace Ifm.OpenCL.Tests;

/// <summary>Random networks (<see cref="RandomNetwork"/>) adapted for parity tests.</summary>
internal static class TestNetworks
{
    /// <summary>
    /// The same network with every weight multiplied by <paramref name="weightScale"/>, optionally rounded to a multiple
    /// of 1/1024 (<paramref name="dyadic"/>: sums of such weights times 0/1 spikes are exact in any order), with
    /// other neuron parameters where <paramref name="parameters"/> gives them.
    /// </summary>
    public static IfmModel Derive(IfmModel m, float weightScale = 1f, bool dyadic = false, Func<Population, NeuronParameters?>? parameters = null, Func<int, float>? bias = null)
    {
        var b = new ModelBuilder { Name = m.Name + "-derived", Dt = m.Dt };
        foreach (var p in m.Populations) b.AddPopulation(p.Name, p.Kind, p.Role, p.Count, parameters?.Invoke(p) ?? p.Parameters, p.Labels);
        foreach (var g in m.EdgeGroups) b.AddEdgeGroup(g.Name, g.Rule);
        for (int i = 0; i < m.NeuronCount; i++) b.SetBias(i, bias?.Invoke(i) ?? m.Bias[i]);
        for (int k = 0; k < m.EdgeCount; k++)
        {
            float w = m.Weight[k] * weightScale;
            if (dyadic) w = MathF.Round(w * 1024f) / 1024f;
            b.AddEdge(m.Pre[k], m.Post[k], w, m.Group[k], m.Alpha[k]);
        }

        return b.Build();
    }

    /// <summary>The same network with other edge groups: <paramref name="groupOf"/> maps (pre, post) to a group index.</summary>
    public static IfmModel WithGroups(IfmModel m, EdgeGroup[] groups, Func<int, int, int> groupOf, float alpha)
    {
        var b = new ModelBuilder { Name = m.Name + "-groups", Dt = m.Dt };
        foreach (var p in m.Populations) b.AddPopulation(p.Name, p.Kind, p.Role, p.Count, p.Parameters, p.Labels);
        foreach (var g in groups) b.AddEdgeGroup(g.Name, g.Rule);
        for (int i = 0; i < m.NeuronCount; i++) b.SetBias(i, m.Bias[i]);
        for (int k = 0; k < m.EdgeCount; k++)
        {
            int g = groupOf(m.Pre[k], m.Post[k]);
            b.AddEdge(m.Pre[k], m.Post[k], m.Weight[k], g, groups[g].Rule?.UsesAlpha == true ? alpha : 0f);
        }

        return b.Build();
    }

    public static float[] Filled(int count, float value)
    {
        var a = new float[count];
        Array.Fill(a, value);
        return a;
    }
}
