using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Model;

namespace Ifm.Control.Checkpoints;

/// <summary>
/// A read-only stand-in for a session whose state was already snapshotted: lets <see cref="Ifm.Runtime.Persistence.Checkpoint.Save"/>
/// encode that snapshot on another thread while the live session keeps running. Only <see cref="Model"/> and
/// <see cref="Snapshot"/> are meaningful.
/// </summary>
internal sealed class FrozenSession(IfmModel model, IPlasticityControl plasticity, SessionState state) : INetworkSession
{
    public IfmModel Model => model;
    public IPlasticityControl Plasticity => plasticity;
    public long Tick => state.Tick;
    public SessionState Snapshot() => state;
    public void SetInputs(ReadOnlySpan<float> values) => throw Frozen();
    public void SetInput(int channel, float value) => throw Frozen();
    public void Step(int ticks = 1) => throw Frozen();
    public void ReadOutputs(Span<float> destination) => throw Frozen();
    public void Reset() => throw Frozen();
    public void Restore(SessionState state) => throw Frozen();
    public void Dispose() { }

    private static NotSupportedException Frozen() => new("a frozen snapshot cannot run");
}
