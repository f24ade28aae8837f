namespace Ifm.Native.Abi;

/// <summary>
/// Opaque handles for C. A handle is not an address: it packs a slot index, the slot's generation and a kind tag,
/// so a closed handle, a handle of the wrong kind (a model passed as a session) or garbage is detected and refused
/// instead of being dereferenced. Slots are reused only with a new generation (2³² per slot before a value repeats).
/// </summary>
/// <remarks>
/// Adding and removing take a lock; lookups do not (they read an immutable-length slot array published with a
/// volatile write), so the per-tick calls cost a few loads. A session destroyed on one thread while another thread
/// still uses it is a caller error, but memory-safe: the object stays alive while in use and later lookups fail.
/// </remarks>
internal static class HandleTable
{
    public const ulong ModelKind = 0x1;
    public const ulong SessionKind = 0x2;

    private const int IndexBits = 28;
    private static readonly Lock s_lock = new();
    private static readonly Stack<int> s_free = new();
    private static Slot[] s_slots = new Slot[16];
    private static int s_used;

    /// <summary>Registers <paramref name="target"/> and returns its handle (never 0).</summary>
    public static nint Add(object target, ulong kind)
    {
        lock (s_lock)
        {
            int index;
            if (s_free.Count > 0)
            {
                index = s_free.Pop();
            }
            else
            {
                if (s_used >= (1 << IndexBits) - 1) throw new OutOfMemoryException("too many open handles");
                if (s_used == s_slots.Length)
                {
                    var grown = new Slot[s_slots.Length * 2];
                    Array.Copy(s_slots, grown, s_slots.Length);
                    Volatile.Write(ref s_slots, grown);
                }

                index = s_used++;
                s_slots[index] = new Slot();
            }

            var slot = s_slots[index];
            slot.Target = target;
            return (nint)Pack(index, slot.Generation, kind);
        }
    }

    /// <summary>The object behind <paramref name="handle"/>, or null when it is not a live handle of that kind.</summary>
    public static T? Find<T>(nint handle, ulong kind) where T : class
    {
        ulong v = (ulong)handle;
        if ((v & 0xF) != kind) return null;
        int index = (int)((v >> 4) & ((1UL << IndexBits) - 1)) - 1;
        uint generation = (uint)(v >> 32);
        var slots = Volatile.Read(ref s_slots);
        if ((uint)index >= (uint)slots.Length) return null;
        var slot = slots[index];
        if (slot is null) return null;
        var target = slot.Target;
        return slot.Generation == generation ? target as T : null;
    }

    /// <summary>Closes <paramref name="handle"/>; false when it was not a live handle of that kind.</summary>
    public static bool Remove(nint handle, ulong kind, out object? target)
    {
        lock (s_lock)
        {
            target = Find<object>(handle, kind);
            if (target is null) return false;
            int index = (int)(((ulong)handle >> 4) & ((1UL << IndexBits) - 1)) - 1;
            var slot = s_slots[index];
            slot.Target = null;
            slot.Generation = slot.Generation == uint.MaxValue ? 1 : slot.Generation + 1;
            s_free.Push(index);
            return true;
        }
    }

    private static ulong Pack(int index, uint generation, ulong kind) => ((ulong)generation << 32) | ((ulong)(index + 1) << 4) | kind;

    private sealed class Slot
    {
        public object? Target;
        public uint Generation = 1;
    }
}
