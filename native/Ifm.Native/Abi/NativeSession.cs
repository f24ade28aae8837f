using Ifm.Runtime.Engine;

namespace Ifm.Native.Abi;

/// <summary>What a session handle points at: the engine session (a sealed wrapper keeps the handle check a plain type test).</summary>
internal sealed class NativeSession(INetworkSession session)
{
    public INetworkSession Session { get; } = session;

    public Ifm.Runtime.Model.IfmModel Model => Session.Model;

    /// <summary>The inputs the program last set (what learning-signal expressions read as input.NAME).</summary>
    public float[] Inputs { get; } = new float[session.Model.InputCount];

    /// <summary>Scratch for the outputs before a step (output.NAME).</summary>
    public float[] Outputs { get; } = new float[session.Model.OutputCount];

    /// <summary>Learning signals bound by <c>ifm_learning_configure</c>; updated before every <c>ifm_step</c>.</summary>
    public Ifm.Runtime.Learning.LearningController? Learning { get; set; }

    /// <summary>Steps the session, updating the bound learning signals first (allocation-free).</summary>
    public void Step(int ticks)
    {
        if (Learning is { } l)
        {
            Session.ReadOutputs(Outputs);
            l.Update(Inputs, Outputs, []);
        }

        Session.Step(ticks);
    }
}
