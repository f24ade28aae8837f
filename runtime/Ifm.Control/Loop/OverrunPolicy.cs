namespace Ifm.Control.Loop;

/// <summary>What the loop does when a period's work ends after the next period should have started.</summary>
public enum OverrunPolicy
{
    /// <summary>Count it and keep the time grid: the late periods run back to back until the loop has caught up.</summary>
    Count,

    /// <summary>Count it and drop the grid slots already missed: the next period starts at the next future slot.</summary>
    Skip,

    /// <summary>Drive every actuator to its safe state and stop (exit status 1).</summary>
    SafeStop,
}

public static class OverrunPolicies
{
    public static bool TryParse(string? text, out OverrunPolicy policy)
    {
        switch (text)
        {
            case "count": policy = OverrunPolicy.Count; return true;
            case "skip": policy = OverrunPolicy.Skip; return true;
            case "safe-stop": policy = OverrunPolicy.SafeStop; return true;
            default: policy = OverrunPolicy.Count; return false;
        }
    }

    public static string Name(OverrunPolicy policy) => policy switch
    {
        OverrunPolicy.Skip => "skip",
        OverrunPolicy.SafeStop => "safe-stop",
        _ => "count",
    };
}
