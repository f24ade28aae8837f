using System.Runtime.InteropServices;
using Ifm.Control.Native;

namespace Ifm.Control.RealTime;

/// <summary>
/// Optional real-time settings for the loop thread: SCHED_FIFO priority, CPU affinity, mlockall. Each is applied
/// separately; one that is not permitted (no CAP_SYS_NICE / CAP_IPC_LOCK, RLIMIT_RTPRIO or RLIMIT_MEMLOCK too
/// low, a CPU outside the cgroup's cpuset) is reported with how to allow it, and the loop runs without it.
/// </summary>
public sealed record RealTimeSettings(int? Priority = null, IReadOnlyList<int>? Cpus = null, bool LockMemory = false)
{
    public bool Any => Priority is not null || Cpus is { Count: > 0 } || LockMemory;

    /// <summary>Applies the settings to the calling thread (mlockall to the process). Returns one line per setting.</summary>
    public unsafe IReadOnlyList<RealTimeOutcome> ApplyToCurrentThread()
    {
        var results = new List<RealTimeOutcome>();
        if (!OperatingSystem.IsLinux())
        {
            if (Any) results.Add(new(false, "real-time settings need Linux; running without them"));
            return results;
        }

        if (LockMemory)
        {
            int rc = Libc.MlockAll(Libc.McLCurrent | Libc.McLFuture);
            int err = Marshal.GetLastPInvokeError();
            results.Add(rc == 0
                ? new(true, "mlockall: memory locked (no page faults from swapping)")
                : new(false, $"mlockall not permitted ({Libc.ErrorText(err)}): grant CAP_IPC_LOCK or raise RLIMIT_MEMLOCK " +
                    "(systemd: LimitMEMLOCK=infinity); running without it"));
        }

        if (Cpus is { Count: > 0 } cpus)
        {
            ulong* mask = stackalloc ulong[16];
            for (int i = 0; i < 16; i++) mask[i] = 0;
            foreach (int cpu in cpus) mask[cpu / 64] |= 1UL << (cpu % 64);
            int rc = Libc.SchedSetAffinity(0, 16 * sizeof(ulong), mask);
            int err = Marshal.GetLastPInvokeError();
            string list = string.Join(",", cpus);
            results.Add(rc == 0
                ? new(true, $"CPU affinity: loop thread pinned to CPU {list}")
                : new(false, $"CPU affinity {list} refused ({Libc.ErrorText(err)}): the CPUs must exist and be in this process's cpuset " +
                    $"(there are {Environment.ProcessorCount}); running unpinned"));
        }

        if (Priority is { } priority)
        {
            var param = new Libc.SchedParam { Priority = priority };
            int rc = Libc.SchedSetScheduler(0, Libc.SchedFifo, &param);
            int err = Marshal.GetLastPInvokeError();
            results.Add(rc == 0
                ? new(true, $"SCHED_FIFO priority {priority} on the loop thread")
                : new(false, $"SCHED_FIFO priority {priority} not permitted ({Libc.ErrorText(err)}): run as root, grant CAP_SYS_NICE " +
                    "(setcap cap_sys_nice+ep ifm; systemd: AmbientCapabilities=CAP_SYS_NICE) or raise RLIMIT_RTPRIO (LimitRTPRIO=" +
                    $"{priority}); running with normal priority"));
        }

        return results;
    }
}

/// <summary>One applied (or refused) real-time setting.</summary>
public readonly record struct RealTimeOutcome(bool Applied, string Message);
