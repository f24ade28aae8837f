namespace Ifm.Runtime.Tests;

/// <summary>
/// Measures managed allocation of a hot path in steady state. The runtime itself may allocate on the calling thread
/// now and then while the JIT's tiering replaces code (call-counting stubs, on-stack replacement), which has nothing to
/// do with the code under test; so the path runs in up to five windows of many calls each and one window must
/// allocate exactly 0 bytes. Allocation per call would show in every window (at least one object per call).
/// </summary>
internal static class SteadyStateAllocation
{
    public static void AssertZero(Action<int> call, int callsPerWindow = 10_000, int windows = 5)
    {
        var seen = new List<long>();
        for (int w = 0; w < windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerWindow; i++)
            {
                call(i);
            }

            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (bytes == 0)
            {
                return;
            }

            seen.Add(bytes);
        }

        Assert.Fail($"every window of {callsPerWindow} calls allocated: {string.Join(", ", seen)} bytes");
    }
}
