using System.CommandLine;
using Ifm.Control.Recording;

namespace Ifm.Cli.Commands;

/// <summary><c>--record</c>, <c>--record-neurons</c>, <c>--record-max-mb</c>: shared by <c>ifm run</c> and <c>ifm replay</c>.</summary>
internal sealed class RecordOptions
{
    private readonly Option<string?> _path = new("--record") { Description = "Record every period (inputs, outputs, actuator commands, neurons, timing) to this .ifmrec file; `ifm plot` draws it." };
    private readonly Option<string> _neurons = new("--record-neurons") { Description = "Per-neuron capture: auto (spikes for spiking models, else none), none, spikes or outputs.", DefaultValueFactory = _ => "auto" };
    private readonly Option<double> _maxMb = new("--record-max-mb") { Description = "Recording size limit in MB; at the limit the file becomes NAME.1.ifmrec and a new one starts (0: no limit).", DefaultValueFactory = _ => 256 };

    public RecordOptions() => _neurons.AcceptOnlyFromAmong("auto", "none", "spikes", "outputs");

    public void AddTo(Command cmd)
    {
        cmd.Options.Add(_path);
        cmd.Options.Add(_neurons);
        cmd.Options.Add(_maxMb);
    }

    public string? Path(ParseResult r) => r.GetValue(_path);

    public RecorderOptions Options(ParseResult r)
    {
        double mb = r.GetValue(_maxMb);
        if (!(mb >= 0) || mb > 1e6) throw new CliException($"--record-max-mb: {mb} is not a size in MB (0..1000000)");
        NeuronCapture? capture = r.GetValue(_neurons) switch
        {
            "none" => NeuronCapture.None,
            "spikes" => NeuronCapture.Spikes,
            "outputs" => NeuronCapture.Outputs,
            _ => null,
        };
        return new RecorderOptions { MaxFileBytes = (long)(mb * 1024 * 1024), Neurons = capture };
    }
}
