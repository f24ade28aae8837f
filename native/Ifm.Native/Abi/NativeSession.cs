using Ifm.Runtime.Engine;

namespace Ifm.Native.Abi;

/// <summary>What a session handle points at: the engine session (a sealed wrapper keeps the handle check a plain type test).</summary>
internal sealed class NativeSession(INetworkSession session)
{
    public INetworkSession Session { get; } = session;

    public Ifm.Runtime.Model.IfmModel Model => Session.Model;
}
