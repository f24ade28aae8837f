using System.Text.Json;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Format;

/// <summary>
/// Plasticity rules in the .ifm graph JSON (<c>edge_groups[i].plasticity</c>, format version 2). The per-edge α of
/// the trace rules is the <c>edges.alpha</c> tensor.
/// </summary>
internal static class PlasticityCodec
{
    public static void Write(Utf8JsonWriter w, PlasticityRule rule)
    {
        w.WriteStartObject("plasticity");
        w.WriteString("rule", rule.RuleName);
        switch (rule)
        {
            case HebbianTraceRule h:
                w.WriteNumber("eta", h.Eta);
                w.WriteBoolean("clip", h.Clip);
                break;
            case NeuromodulatedRule n:
                w.WriteNumber("eta", n.Eta);
                w.WriteStartObject("modulator");
                w.WriteString("source", n.Modulator.Kind switch { ModulatorKind.Input => "input", ModulatorKind.Neuron => "neuron", _ => "external" });
                if (n.Modulator.Kind != ModulatorKind.External) w.WriteString("name", n.Modulator.Name);
                w.WriteEndObject();
                break;
            case StdpRule s:
                w.WriteNumber("tau_plus", s.TauPlus);
                w.WriteNumber("tau_minus", s.TauMinus);
                w.WriteNumber("a_plus", s.APlus);
                w.WriteNumber("a_minus", s.AMinus);
                break;
            case OjaRule o:
                w.WriteNumber("eta", o.Eta);
                break;
            case PesRule p:
                w.WriteNumber("kappa", p.Kappa);
                break;
        }

        if (!float.IsInfinity(rule.WMin)) w.WriteNumber("w_min", rule.WMin);
        if (!float.IsInfinity(rule.WMax)) w.WriteNumber("w_max", rule.WMax);
        w.WriteEndObject();
    }

    public static PlasticityRule Read(JsonFields p)
    {
        string rule = p.String("rule");
        float wMin = p.Float("w_min", float.NegativeInfinity), wMax = p.Float("w_max", float.PositiveInfinity);
        if (wMin > wMax) throw p.Fail($"{p.Path}: w_min ({wMin}) is above w_max ({wMax})");
        try
        {
            switch (rule)
            {
                case "hebbian_trace":
                    p.AllowOnly("rule", "eta", "clip", "w_min", "w_max");
                    return new HebbianTraceRule(p.Float("eta"), p.Bool("clip", true), wMin, wMax);
                case "neuromodulated":
                {
                    p.AllowOnly("rule", "eta", "modulator", "w_min", "w_max");
                    var m = p.Object("modulator");
                    m.AllowOnly("source", "name");
                    var source = m.String("source") switch
                    {
                        "input" => new ModulatorSource(ModulatorKind.Input, m.String("name")),
                        "neuron" => new ModulatorSource(ModulatorKind.Neuron, m.String("name")),
                        "external" => new ModulatorSource(ModulatorKind.External),
                        var s => throw m.Fail($"{m.Path}.source: unknown modulator source '{s}' (expected input, neuron or external)"),
                    };
                    return new NeuromodulatedRule(p.Float("eta"), source, wMin, wMax);
                }

                case "stdp":
                    p.AllowOnly("rule", "tau_plus", "tau_minus", "a_plus", "a_minus", "w_min", "w_max");
                    return new StdpRule(p.Float("tau_plus"), p.Float("tau_minus"), p.Float("a_plus"), p.Float("a_minus"), wMin, wMax);
                case "oja":
                    p.AllowOnly("rule", "eta", "w_min", "w_max");
                    return new OjaRule(p.Float("eta"), wMin, wMax);
                case "pes":
                    p.AllowOnly("rule", "kappa", "w_min", "w_max");
                    return new PesRule(p.Float("kappa"), wMin, wMax);
                default:
                    throw p.Fail($"{p.Path}.rule: unknown plasticity rule '{rule}' (expected hebbian_trace, neuromodulated, stdp, oja or pes)");
            }
        }
        catch (ArgumentException e)
        {
            throw p.Fail($"{p.Path}: {e.Message}");
        }
    }
}
