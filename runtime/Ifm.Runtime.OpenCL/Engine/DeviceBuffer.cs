using Ifm.Runtime.OpenCL.Interop;
using Silk.NET.OpenCL;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>
/// A device-resident array of <typeparamref name="T"/> (an OpenCL buffer) with blocking copies to and from host spans.
/// OpenCL refuses empty buffers, so a zero-length array still occupies one element.
/// </summary>
internal sealed unsafe class DeviceBuffer<T> : ClHandle where T : unmanaged
{
    private readonly ClRuntime _rt;

    public DeviceBuffer(ClRuntime rt, int length) : base(Create(rt, length))
    {
        _rt = rt;
        Length = length;
    }

    public int Length { get; }

    public void Write(ReadOnlySpan<T> values, int offset = 0)
    {
        if (values.IsEmpty) return;
        if (offset < 0 || offset + values.Length > Length) throw new ArgumentOutOfRangeException(nameof(offset));
        fixed (T* p = values)
        {
            ClStatus.Check(_rt.Api.EnqueueWriteBuffer(_rt.Queue.Value, Value, true, (nuint)(offset * sizeof(T)), (nuint)(values.Length * sizeof(T)), p, 0, null, null), "clEnqueueWriteBuffer");
        }
    }

    public void Read(Span<T> destination, int offset = 0)
    {
        if (destination.IsEmpty) return;
        if (offset < 0 || offset + destination.Length > Length) throw new ArgumentOutOfRangeException(nameof(offset));
        fixed (T* p = destination)
        {
            ClStatus.Check(_rt.Api.EnqueueReadBuffer(_rt.Queue.Value, Value, true, (nuint)(offset * sizeof(T)), (nuint)(destination.Length * sizeof(T)), p, 0, null, null), "clEnqueueReadBuffer");
        }
    }

    public T[] ToArray()
    {
        var a = new T[Length];
        Read(a);
        return a;
    }

    /// <summary>Sets every element to zero (enqueued; ordered before later commands of the queue).</summary>
    public void Clear()
    {
        T zero = default;
        ClStatus.Check(_rt.Api.EnqueueFillBuffer(_rt.Queue.Value, Value, &zero, (nuint)sizeof(T), 0, (nuint)(Math.Max(Length, 1) * sizeof(T)), 0, null, null), "clEnqueueFillBuffer");
    }

    protected override bool ReleaseHandle() => OpenClLibrary.Api.ReleaseMemObject(handle) == 0;

    private static nint Create(ClRuntime rt, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int status;
        nint mem = rt.Api.CreateBuffer(rt.Context.Value, MemFlags.ReadWrite, (nuint)((long)Math.Max(length, 1) * sizeof(T)), null, &status);
        ClStatus.Check(status, "clCreateBuffer");
        return mem;
    }
}
