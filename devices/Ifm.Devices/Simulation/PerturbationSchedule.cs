namespace Ifm.Devices.Simulation;

/// <summary>A change of a simulated plant that takes effect from a given tick or step (<see cref="PongPerturbation"/>, <see cref="ServoPerturbation"/>).</summary>
public interface IPlantPerturbation
{
    /// <summary>The plant's tick or step from which the change applies.</summary>
    long At { get; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    void Validate();
}

/// <summary>
/// A plant's perturbation timeline: validated, kept in time order, and handed out as each falls due. One per plant;
/// the plant applies what it is handed (each perturbation lasts until a later one replaces it).
/// </summary>
internal sealed class PerturbationSchedule<T>
    where T : struct, IPlantPerturbation
{
    private T[] _items = [];
    private int _next;

    /// <summary>The perturbations, in time order.</summary>
    public IReadOnlyList<T> Items => _items;

    /// <summary>Validates <paramref name="items"/> and replaces the timeline with them, none applied yet.</summary>
    public void Replace(T[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var p in items) p.Validate();
        _items = [.. items.OrderBy(p => p.At)];
        _next = 0;
    }

    /// <summary>The next perturbation due at <paramref name="now"/> (its tick ≤ now), or false when none is left.</summary>
    public bool TryTakeDue(long now, out T due)
    {
        if (_next < _items.Length && _items[_next].At <= now)
        {
            due = _items[_next++];
            return true;
        }

        due = default;
        return false;
    }
}
