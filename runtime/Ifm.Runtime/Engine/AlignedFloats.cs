using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ifm.Runtime.Engine;

/// <summary>
/// A zeroed float buffer whose first element sits on a 64-byte boundary (one cache line, one Vector512), on the pinned
/// object heap so the address never moves. Matrices streamed by the vector kernels use it: with the rows aligned and
/// the stride a multiple of 16 floats, no vector load straddles two cache lines (unaligned Vector512 loads of a matrix
/// that does not fit in L2 cost about a fifth more time).
/// </summary>
internal sealed class AlignedFloats
{
    private const int Alignment = 64;
    private readonly float[] _array;
    private readonly int _offset;

    public AlignedFloats(long length)
    {
        if (length < 0 || length > Array.MaxLength - Alignment / sizeof(float))
            throw new ArgumentOutOfRangeException(nameof(length), $"{length} floats do not fit in one buffer");
        _array = GC.AllocateArray<float>((int)length + Alignment / sizeof(float), pinned: true);
        _offset = OffsetToBoundary(_array);
        Length = (int)length;
    }

    public int Length { get; }

    public Span<float> Span => _array.AsSpan(_offset, Length);

    private static unsafe int OffsetToBoundary(float[] pinned)
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((Alignment - address % Alignment) % Alignment) / sizeof(float);
    }
}
