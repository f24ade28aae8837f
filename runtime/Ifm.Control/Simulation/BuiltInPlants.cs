using Ifm.Devices;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.Runtime.Model;

namespace Ifm.Control.Simulation;

/// <summary>
/// The simulated plants of <c>ifm run --sim pong|pavlov|servo</c>: their device maps (devices/examples/pong-sim.json,
/// pavlov-sim.json and servo-sim.json, embedded in the binary) and their hardware, with the plant's perturbations.
/// </summary>
public static class BuiltInPlants
{
    public static readonly string[] Names = ["pong", "pavlov", "servo"];

    /// <summary>The embedded example map of <paramref name="sim"/>.</summary>
    public static DeviceMap LoadMap(string sim)
    {
        string resource = $"Ifm.Control.Sim.{sim}.json";
        using Stream? s = typeof(BuiltInPlants).Assembly.GetManifestResourceStream(resource)
            ?? throw new ArgumentException($"unknown simulated plant '{sim}'; expected {string.Join(" or ", Names)}");
        using var reader = new StreamReader(s);
        return DeviceMap.Parse(reader.ReadToEnd(), $"built-in {sim}-sim map");
    }

    /// <summary>The simulated hardware of <paramref name="sim"/>, advancing simulated time by one loop period per period.</summary>
    public static SimulatedHardware CreateHardware(string sim, double loopRateHz, PavlovSchedule? schedule = null,
        IReadOnlyList<PongPerturbation>? pong = null, IReadOnlyList<ServoPerturbation>? servo = null)
    {
        if (pong is { Count: > 0 } && sim != "pong") throw new ArgumentException($"Pong perturbations need --sim pong, not {sim}");
        if (servo is { Count: > 0 } && sim != "servo") throw new ArgumentException($"servo perturbations need --sim servo, not {sim}");
        SimulatedHardware hw = sim switch
        {
            "pong" => SimulatedHardware.ForPong(),
            "servo" => SimulatedHardware.ForServo(),
            "pavlov" => SimulatedHardware.ForPavlov(schedule),
            _ => throw new ArgumentException($"unknown simulated plant '{sim}'; expected {string.Join(" or ", Names)}"),
        };
        hw.PeriodNanoseconds = (long)Math.Round(1e9 / loopRateHz);
        if (pong is { Count: > 0 }) hw.Pong!.Perturb([.. pong]);
        if (servo is { Count: > 0 }) hw.Servo!.Perturb([.. servo]);
        return hw;
    }

    /// <summary>
    /// Makes a built-in map fit <paramref name="model"/>: when some of the map's neuron names are not in the model
    /// but the model has exactly as many inputs and outputs as the map binds, the map's names are replaced by the
    /// model's, in order (pavlov.ifm calls F, R, S in0, in1, out0). Returns a note when it renamed, else null.
    /// </summary>
    public static string? FitNames(DeviceMap map, IfmModel model, string sim)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        foreach (DeviceSpec d in map.Devices)
        {
            bool actuator = DeviceTypes.IsActuator(d.Type!);
            foreach (ChannelBinding c in d.Channels) (actuator ? outputs : inputs).AddRange(DeviceMap.ExpandNeurons(c.Neurons!));
        }

        bool fits = inputs.All(n => model.FindInput(n) >= 0) && outputs.All(n => model.FindOutput(n) >= 0);
        if (fits) return null;
        if (model.InputCount != inputs.Count || model.OutputCount != outputs.Count)
        {
            throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"the {sim} plant needs a model with {inputs.Count} inputs ({Show(inputs)}) and {outputs.Count} outputs " +
                $"({Show(outputs)}); '{model.Name}' has {model.InputCount} inputs and {model.OutputCount} outputs");
        }

        int nextIn = 0, nextOut = 0;
        foreach (DeviceSpec d in map.Devices)
        {
            bool actuator = DeviceTypes.IsActuator(d.Type!);
            foreach (ChannelBinding c in d.Channels)
            {
                int count = DeviceMap.ExpandNeurons(c.Neurons!).Count;
                var names = new List<string>(count);
                for (int i = 0; i < count; i++) names.Add(actuator ? model.OutputNames[nextOut++] : model.InputNames[nextIn++]);
                c.Neurons = names;
            }
        }

        return $"bound the {sim} plant's {Show(inputs)} → {Show(model.InputNames)} and {Show(outputs)} → {Show(model.OutputNames)} by position";
    }

    private static string Show(IReadOnlyList<string> names) =>
        names.Count <= 4 ? string.Join(", ", names) : $"{names[0]}, {names[1]}, …, {names[^1]}";
}
