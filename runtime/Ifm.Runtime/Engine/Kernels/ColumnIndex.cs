using System.Runtime.CompilerServices;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// Column indices of the CSR kernels: 16-bit when every index fits (networks up to 65 535 neurons; 2 bytes less per
/// synapse to stream) or 32-bit. The kernels are generic over the index type; the JIT folds the type tests away, so
/// each width gets its own code with a plain load.
/// </summary>
internal static class ColumnIndex
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int At<TIndex>(ref TIndex first, int k) where TIndex : unmanaged
    {
        if (typeof(TIndex) == typeof(ushort)) return Unsafe.As<TIndex, ushort>(ref Unsafe.Add(ref first, k));
        if (typeof(TIndex) == typeof(int)) return Unsafe.As<TIndex, int>(ref Unsafe.Add(ref first, k));
        return ThrowUnsupported();
    }

    /// <summary>Checks the index type once, outside the loops.</summary>
    public static void Check<TIndex>() where TIndex : unmanaged
    {
        if (typeof(TIndex) != typeof(ushort) && typeof(TIndex) != typeof(int)) ThrowUnsupported();
    }

    private static int ThrowUnsupported() => throw new NotSupportedException("column indices are ushort or int");
}
