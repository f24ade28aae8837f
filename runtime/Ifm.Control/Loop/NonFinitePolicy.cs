namespace Ifm.Control.Loop;

/// <summary>
/// What the loop does when the network produces a NaN or infinite output (its state has diverged). A non-finite
/// value is never written to an actuator under any policy.
/// </summary>
public enum NonFinitePolicy
{
    /// <summary>A fault: every actuator goes to its safe state and the run stops (exit status 1). The default.</summary>
    Fault,

    /// <summary>
    /// Write the last finite outputs again and go on with the state as it is (a transient NaN, e.g. from one absurd
    /// sample, passes); after <see cref="LoopOptions.NonFiniteLimit"/> non-finite periods in a row it is a fault.
    /// </summary>
    Hold,

    /// <summary>
    /// Write the last finite outputs again and restore the network to its last finite state (the last periodic
    /// checkpoint snapshot, else the state at the start of the run), learned weights included; after
    /// <see cref="LoopOptions.NonFiniteLimit"/> non-finite periods in a row it is a fault.
    /// </summary>
    Reset,
}

/// <summary>The names of <see cref="NonFinitePolicy"/> in run configurations and on the command line.</summary>
public static class NonFinitePolicies
{
    private static readonly string[] NameList = ["fault", "hold", "reset"];

    /// <summary>The accepted names, in the order of the enum's values.</summary>
    public static IReadOnlyList<string> Names => NameList;

    public static bool TryParse(string? text, out NonFinitePolicy policy)
    {
        int i = text is null ? -1 : Array.IndexOf(NameList, text);
        policy = i < 0 ? NonFinitePolicy.Fault : (NonFinitePolicy)i;
        return i >= 0;
    }

    public static string Name(NonFinitePolicy policy) => Names[(int)policy];
}
