using System.Reflection;
using System.Text;
using Ifm.Runtime.OpenCL.Interop;
using Ifm.Runtime.OpenCL.Selection;
using Silk.NET.OpenCL;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>
/// A session's OpenCL objects that are not buffers: the context, one in-order command queue and the program built from
/// the kernel sources embedded in this assembly. Created once per session; disposing releases them in reverse order.
/// </summary>
internal sealed unsafe class ClRuntime : IDisposable
{
    /// <summary>Kernel sources (embedded resources), concatenated in this order into one program.</summary>
    private static readonly string[] Sources = ["tick.cl", "plasticity.cl"];

    private readonly List<ClHandle> _owned = [];

    public ClRuntime(OpenClDevice device)
    {
        Api = OpenClLibrary.Api;
        Device = device;
        nint dev = device.DeviceHandle;
        int status;
        nint ctx = Api.CreateContext(null, 1, &dev, null, null, &status);
        ClStatus.Check(status, "clCreateContext");
        Context = Own(new ClContext(ctx));
        nint queue = Api.CreateCommandQueue(ctx, dev, CommandQueueProperties.None, &status);
        ClStatus.Check(status, "clCreateCommandQueue");
        Queue = Own(new ClCommandQueue(queue));
        Program = Own(Build(ctx, dev));
    }

    public CL Api { get; }

    public OpenClDevice Device { get; }

    public ClContext Context { get; }

    public ClCommandQueue Queue { get; }

    public ClProgram Program { get; }

    public ClKernelCall Kernel(string name)
    {
        int status;
        nint k = Api.CreateKernel(Program.Value, name, &status);
        ClStatus.Check(status, $"clCreateKernel({name})");
        return new ClKernelCall(this, Own(new ClKernel(k)), name);
    }

    public DeviceBuffer<T> Buffer<T>(int length) where T : unmanaged => Own(new DeviceBuffer<T>(this, length));

    public DeviceBuffer<T> Buffer<T>(ReadOnlySpan<T> initial) where T : unmanaged
    {
        var b = Buffer<T>(initial.Length);
        b.Write(initial);
        return b;
    }

    public void Finish() => ClStatus.Check(Api.Finish(Queue.Value), "clFinish");

    public void Dispose()
    {
        if (!Queue.IsClosed) Api.Finish(Queue.DangerousGetHandle());
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        _owned.Clear();
    }

    internal T Own<T>(T handle) where T : ClHandle
    {
        _owned.Add(handle);
        return handle;
    }

    private ClProgram Build(nint ctx, nint dev)
    {
        var source = new StringBuilder();
        var asm = typeof(ClRuntime).Assembly;
        source.Append(KindDefines()).Append('\n');
        foreach (var name in Sources) source.Append(ReadSource(asm, name)).Append('\n');
        int status;
        nint program = Api.CreateProgramWithSource(ctx, 1, [source.ToString()], null, &status);
        ClStatus.Check(status, "clCreateProgramWithSource");
        var handle = new ClProgram(program);
        status = Api.BuildProgram(program, 1, &dev, "", null, null);
        if (status != 0)
        {
            string log = BuildLog(program, dev);
            handle.Dispose();
            throw new OpenClException($"OpenCL kernels did not build on {Device.Name}: {ClStatus.Name(status)}: {log}") { Status = status };
        }

        return handle;
    }

    /// <summary>
    /// tick.cl's KIND_* constants, from the neuron-kind registry (<see cref="Model.NeuronModel.KernelCodes"/>), so the
    /// kernel and the host cannot disagree on a code; kind codes tick.cl has no branch for fail the build there.
    /// </summary>
    internal static string KindDefines()
    {
        var d = new StringBuilder();
        foreach (var m in Model.NeuronModels.All)
        {
            foreach (var (name, code) in m.KernelCodes) d.Append("#define KIND_").Append(name).Append(' ').Append(code).Append('\n');
        }

        return d.ToString();
    }

    private string BuildLog(nint program, nint dev)
    {
        nuint size = 0;
        if (Api.GetProgramBuildInfo(program, dev, ProgramBuildInfo.BuildLog, 0, null, &size) != 0 || size == 0) return "(no build log)";
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) Api.GetProgramBuildInfo(program, dev, ProgramBuildInfo.BuildLog, size, b, null);
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string ReadSource(Assembly asm, string name)
    {
        using var s = asm.GetManifestResourceStream("Ifm.Runtime.OpenCL.Kernels." + name)
            ?? throw new InvalidOperationException($"kernel source {name} is not embedded in {asm.GetName().Name}");
        using var r = new StreamReader(s, Encoding.UTF8);
        return r.ReadToEnd();
    }
}
