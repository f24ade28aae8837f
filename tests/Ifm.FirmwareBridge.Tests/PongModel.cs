using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// A small hand-weighted IFM state network that tracks the ball: inputs ball_y and paddle_y, one hidden neuron
/// computing their difference, one output neuron driving the paddle velocity. Written to and read from a real
/// .ifm file so the closed-loop test runs the same path as <c>ifm run</c>.
/// </summary>
internal static class PongModel
{
    public static IfmModel WriteAndRead(string path)
    {
        var b = new ModelBuilder { Name = "pong-tracker", Dt = 0.02f };
        int input = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 2, labels: ["ball_y", "paddle_y"]);
        int hidden = b.AddPopulation("diff", NeuronKind.Ifm, NeuronRole.Hidden, 1, NeuronParameters.ForIfm([0f]));
        int output = b.AddPopulation("paddle", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]), ["paddle_velocity"]);
        b.AddEdgeGroup("static");
        b.AddEdge(input, hidden, 4f);
        b.AddEdge(input + 1, hidden, -4f);
        b.AddEdge(hidden, output, 2f);
        IfmFile.Write(b.Build(), path);
        return IfmFile.Read(path);
    }
}
