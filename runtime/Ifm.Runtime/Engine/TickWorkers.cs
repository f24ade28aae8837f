namespace Ifm.Runtime.Engine;

/// <summary>
/// The threads of a multi-core tick: <see cref="Run"/> has every worker (the calling thread is worker 0) run the
/// job on its own share of the rows, between two barrier phases. Results do not depend on the number of workers:
/// each row is computed by the same code whichever worker computes it (see <see cref="SynapseMatrix.MultiplyRows"/>).
/// </summary>
/// <remarks>
/// <see cref="Barrier"/> spins first and then blocks, so a worker idle between the periods of a slow control loop
/// does not hold a core; a tick allocates nothing (the job delegate is created once). The workers are background
/// threads: a session that is never disposed does not keep the process alive.
/// </remarks>
internal sealed class TickWorkers : IDisposable
{
    private readonly Barrier _barrier;
    private readonly Thread[] _threads;
    private readonly Action<int> _job;
    private volatile bool _stopping;
    private bool _disposed;

    public TickWorkers(int count, Action<int> job)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        _job = job;
        _barrier = new Barrier(count);
        _threads = new Thread[count - 1];
        for (int w = 1; w < count; w++)
        {
            int worker = w;
            _threads[w - 1] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"ifm tick worker {worker}" };
            _threads[w - 1].Start();
        }
    }

    public int Count => _threads.Length + 1;

    /// <summary>Runs the job on every worker and returns when all have finished.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _barrier.SignalAndWait();
        _job(0);
        _barrier.SignalAndWait();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        _barrier.SignalAndWait();
        foreach (var t in _threads) t.Join();
        _barrier.Dispose();
    }

    private void Loop(int worker)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping) return;
            _job(worker);
            _barrier.SignalAndWait();
        }
    }

    /// <summary>
    /// Splits rows [0, n) into <paramref name="parts"/> contiguous ranges whose boundaries are multiples of 64 (whole
    /// row blocks of every kernel), each with about the same share of <paramref name="cost"/> (cumulative, n + 1
    /// entries: the CSR row starts; null: one unit per row).
    /// </summary>
    public static int[] Partition(int n, int parts, ReadOnlySpan<int> cost)
    {
        var bounds = new int[parts + 1];
        bounds[parts] = n;
        long total = cost.IsEmpty ? n : cost[n];
        int row = 0;
        for (int p = 1; p < parts; p++)
        {
            long target = total * p / parts;
            while (row < n && (cost.IsEmpty ? row : cost[row]) < target) row++;
            int aligned = Math.Min(n, (row + 32) / 64 * 64);
            bounds[p] = Math.Max(bounds[p - 1], aligned);
        }

        return bounds;
    }
}
