using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// A small hand-weighted IFM state network that tracks the ball: inputs the ball's and the paddle's centres along
/// the paddle's axis (pixels / <see cref="Scale"/>), one hidden neuron computing their difference, one output neuron
/// whose value is the key (&gt; 0.5 right, &lt; −0.5 left). Written to and read from a real .ifm file so the
/// closed-loop test runs the same path as <c>ifm run</c>.
/// </summary>
internal static class PongModel
{
    /// <summary>Half the ball's width: ball_x + this is its centre.</summary>
    public const float BallCentre = 7.5f;

    /// <summary>Half the paddle's width: paddle_x + this is its centre.</summary>
    public const float PaddleCentre = 25f;

    /// <summary>Pixels per input unit.</summary>
    public const float Scale = 100f;

    public static IfmModel WriteAndRead(string path)
    {
        var b = new ModelBuilder { Name = "pong-tracker", Dt = 0.02f };
        int input = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 2, labels: ["ball_x", "paddle_x"]);
        int hidden = b.AddPopulation("diff", NeuronKind.Ifm, NeuronRole.Hidden, 1, NeuronParameters.ForIfm([0f]));
        int output = b.AddPopulation("paddle", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]), ["key"]);
        b.AddEdgeGroup("static");
        b.AddEdge(input, hidden, 8f);
        b.AddEdge(input + 1, hidden, -8f);
        b.AddEdge(hidden, output, 2f);
        IfmFile.Write(b.Build(), path);
        return IfmFile.Read(path);
    }
}
