using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// Every neuron's constants (<see cref="NeuronCell"/>) from its population's kind (<see cref="NeuronModel.Pack"/>), so
/// one pass or one kernel launch can update every population. Built once per session; the CPU engine, the OpenCL
/// backend and the trainer read the same table.
/// </summary>
internal static class NeuronTable
{
    public static NeuronCell[] Build(IfmModel model)
    {
        var cells = new NeuronCell[model.NeuronCount];
        foreach (var p in model.Populations)
        {
            var m = NeuronModels.Of(p.Kind);
            for (int j = 0; j < p.Count; j++) cells[p.Start + j] = m.Pack(p.Parameters, j, p.Role, model.Dt);
        }

        return cells;
    }

    /// <summary>True when some neuron keeps a second state variable (the synaptic current).</summary>
    public static bool HasCurrent(IfmModel model) => model.Populations.Any(p => NeuronModels.Of(p.Kind).StateCount > 1);
}
