using System.Text.Json;

namespace Ifm.Control.Hosting;

/// <summary>
/// What a run is, as the recording header and the dashboard summary both state it: the model, its size, the rate
/// and the channel names. One JSON writer for both (<see cref="WriteRunFields"/>).
/// </summary>
public abstract record RunDescription
{
    public string ModelName { get; init; } = "";
    public int NeuronCount { get; init; }
    public int EdgeCount { get; init; }
    public double RateHz { get; init; }
    public IReadOnlyList<string> InputNames { get; init; } = [];
    public IReadOnlyList<string> OutputNames { get; init; } = [];

    /// <summary><c>device</c> or <c>device.channel</c> per actuator channel.</summary>
    public IReadOnlyList<string> ActuatorNames { get; init; } = [];

    /// <summary>Writes <c>model</c>, <c>neuronCount</c>, <c>edgeCount</c>, <c>rateHz</c>, <c>inputNames</c>, <c>outputNames</c>, <c>actuatorNames</c>.</summary>
    public void WriteRunFields(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteString("model", ModelName);
        w.WriteNumber("neuronCount", NeuronCount);
        w.WriteNumber("edgeCount", EdgeCount);
        w.WriteNumber("rateHz", RateHz);
        WriteNames(w, "inputNames", InputNames);
        WriteNames(w, "outputNames", OutputNames);
        WriteNames(w, "actuatorNames", ActuatorNames);
    }

    /// <summary>A string array property.</summary>
    public static void WriteNames(Utf8JsonWriter w, string name, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(names);
        w.WriteStartArray(name);
        foreach (string n in names) w.WriteStringValue(n);
        w.WriteEndArray();
    }
}
