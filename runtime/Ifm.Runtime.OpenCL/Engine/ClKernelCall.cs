using Ifm.Runtime.OpenCL.Interop;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>One kernel object with typed argument setters and an allocation-free 1-D launch.</summary>
internal sealed unsafe class ClKernelCall(ClRuntime rt, ClKernel kernel, string name)
{
    public string Name { get; } = name;

    public ClKernelCall Arg(uint index, int value) => Set(index, &value, sizeof(int));

    public ClKernelCall Arg(uint index, float value) => Set(index, &value, sizeof(float));

    public ClKernelCall Arg(uint index, long value) => Set(index, &value, sizeof(long));

    public ClKernelCall Arg(uint index, ClHandle buffer)
    {
        nint h = buffer.Value;
        return Set(index, &h, sizeof(nint));
    }

    /// <summary>Launches <paramref name="items"/> work-items rounded up to whole groups of <paramref name="groupSize"/>.</summary>
    public void Enqueue(int items, int groupSize, bool fixedGroup)
    {
        nuint global = (nuint)(((long)Math.Max(items, 1) + groupSize - 1) / groupSize * groupSize);
        nuint local = (nuint)groupSize;
        int status = rt.Api.EnqueueNdrangeKernel(rt.Queue.Value, kernel.Value, 1, null, &global, fixedGroup ? &local : null, 0, null, null);
        if (status != 0) ClStatus.Throw(status, $"clEnqueueNDRangeKernel({Name})");
    }

    private ClKernelCall Set(uint index, void* value, int size)
    {
        int status = rt.Api.SetKernelArg(kernel.Value, index, (nuint)size, value);
        if (status != 0) ClStatus.Throw(status, $"clSetKernelArg({Name}, {index})");
        return this;
    }
}
