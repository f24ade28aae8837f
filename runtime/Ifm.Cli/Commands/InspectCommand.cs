using System.CommandLine;
using System.Globalization;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm inspect &lt;model&gt;</c>: what a model file contains.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = CommonOptions.ModelArgument();
        var cmd = new Command("inspect", "Show a model's neurons, kinds, edges, density, plasticity and size.") { model };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(model)!;
            var m = CommonOptions.LoadModel(path);
            Print(m, path, Console.Out);
            return 0;
        });
        return cmd;
    }

    internal static void Print(IfmModel m, string path, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        int Count(NeuronRole role) => m.Populations.Where(p => p.Role == role).Sum(p => p.Count);
        o.WriteLine(string.Create(c, $"model       {m.Name}  ({path}, {new FileInfo(path).Length:N0} bytes on disk)"));
        o.WriteLine(string.Create(c, $"id          {m.Id[..16]}"));
        o.WriteLine(string.Create(c, $"dt          {m.Dt:R} s"));
        o.WriteLine(string.Create(c, $"neurons     {m.NeuronCount:N0}  ({Count(NeuronRole.Input)} input, {Count(NeuronRole.Hidden)} hidden, {Count(NeuronRole.Output)} output)"));
        o.WriteLine("populations");
        o.WriteLine("  name              kind    role      neurons  range          parameters");
        foreach (var p in m.Populations)
        {
            o.WriteLine(string.Create(c, $"  {p.Name,-17} {Kind(p.Kind),-7} {p.Role.ToString().ToLowerInvariant(),-9} {p.Count,7:N0}  {p.Start + "–" + (p.End - 1),-13}  {Parameters(p)}"));
        }

        string layout = m.Density > Ifm.Runtime.Engine.SessionOptions.Default.DenseAbove && m.NeuronCount <= Ifm.Runtime.Engine.SessionOptions.Default.MaxDenseNeurons ? "dense" : "sparse CSR";
        o.WriteLine(string.Create(c, $"edges       {m.EdgeCount:N0}  (density {m.Density * 100:0.###} %, CPU layout: {layout})"));
        o.WriteLine("edge groups");
        var counts = m.EdgeCountPerGroup();
        for (int g = 0; g < m.EdgeGroups.Count; g++)
        {
            var grp = m.EdgeGroups[g];
            o.WriteLine(string.Create(c, $"  {grp.Name,-17} {counts[g],10:N0} edges  {(grp.Rule is null ? "static" : grp.Rule.ToString())}"));
        }

        o.WriteLine(string.Create(c, $"inputs      {List(m.InputNames)}"));
        o.WriteLine(string.Create(c, $"outputs     {List(m.OutputNames)}"));
        o.WriteLine(string.Create(c, $"memory      {m.ByteSize:N0} bytes of model arrays"));
        foreach (var kv in m.ExtraMetadata.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            string v = kv.Value.Length > 80 ? kv.Value[..77] + "..." : kv.Value;
            o.WriteLine(string.Create(c, $"metadata    {kv.Key} = {v}"));
        }
    }

    private static string Kind(NeuronKind k) => NeuronModels.Of(k).Name;

    private static string Parameters(Population p)
    {
        var q = p.Parameters;
        return p.Kind switch
        {
            NeuronKind.Ifm => $"a {Range(q.A)}",
            NeuronKind.Leaky => $"tau {Range(q.Tau)} s, {q.Activation.ToString().ToLowerInvariant()}",
            NeuronKind.Lif => $"tau {Range(q.Tau)} s, v_th {Range(q.VThreshold)}, reset {(q.ResetMode == LifResetMode.ToReset ? "to v_reset" : "subtract")}, refractory {q.RefractoryTicks}",
            var k => string.Join(", ", NeuronModels.Of(k).ParameterSpecs.Select(s => $"{s.Name} {Range(q[s.Name])}"))
                + (NeuronModels.Of(k).Spiking ? $", reset {(q.ResetMode == LifResetMode.ToReset ? "to v_reset" : "subtract")}, refractory {q.RefractoryTicks}" : ""),
        };
    }

    private static string Range(float[] v)
    {
        float min = v.Min(), max = v.Max();
        return min == max ? min.ToString("0.####", CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{min:0.####}…{max:0.####}");
    }

    private static string List(IReadOnlyList<string> names) =>
        names.Count <= 8 ? string.Join(", ", names) : string.Join(", ", names.Take(6)) + $", … {names[^1]} ({names.Count})";
}
