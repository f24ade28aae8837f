using System.Runtime.InteropServices;

namespace Ifm.Native.Tests.Infrastructure;

/// <summary>The x64 libifm.so loaded into the test process (its own NativeAOT runtime beside this one), called through function pointers.</summary>
internal sealed unsafe class LibIfm : IDisposable
{
    private readonly nint _lib;
    private readonly delegate* unmanaged<byte*, nint*, int> _load;
    private readonly delegate* unmanaged<byte*, nuint, nint*, int> _loadMemory;
    private readonly delegate* unmanaged<nint, int> _free;
    private readonly delegate* unmanaged<nint, nint*, int> _create;
    private readonly delegate* unmanaged<nint, int> _destroy;
    private readonly delegate* unmanaged<nint, float*, nuint, int> _setInputs;
    private readonly delegate* unmanaged<nint, uint, int> _step;
    private readonly delegate* unmanaged<nint, float*, nuint, int> _getOutputs;
    private readonly delegate* unmanaged<byte*> _lastError;
    private readonly delegate* unmanaged<nint, Info*, int> _info;

    public LibIfm()
    {
        _lib = NativeLibrary.Load(Artifacts.LibIfm("linux-x64"));
        _load = (delegate* unmanaged<byte*, nint*, int>)Export("ifm_model_load_file");
        _loadMemory = (delegate* unmanaged<byte*, nuint, nint*, int>)Export("ifm_model_load_memory");
        _free = (delegate* unmanaged<nint, int>)Export("ifm_model_free");
        _create = (delegate* unmanaged<nint, nint*, int>)Export("ifm_session_create");
        _destroy = (delegate* unmanaged<nint, int>)Export("ifm_session_destroy");
        _setInputs = (delegate* unmanaged<nint, float*, nuint, int>)Export("ifm_set_inputs");
        _step = (delegate* unmanaged<nint, uint, int>)Export("ifm_step");
        _getOutputs = (delegate* unmanaged<nint, float*, nuint, int>)Export("ifm_get_outputs");
        _lastError = (delegate* unmanaged<byte*>)Export("ifm_last_error");
        _info = (delegate* unmanaged<nint, Info*, int>)Export("ifm_model_get_info");
    }

    public nint LoadModel(string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        nint model;
        int status;
        fixed (byte* p = bytes) status = _load(p, &model);
        Assert.True(status == 0, LastError());
        return model;
    }

    /// <summary>ifm_model_load_memory; the handle (0 on failure) in <paramref name="model"/>.</summary>
    public int LoadModel(ReadOnlySpan<byte> bytes, out nint model)
    {
        nint m;
        int status;
        fixed (byte* p = bytes) status = _loadMemory(p, (nuint)bytes.Length, &m);
        model = m;
        return status;
    }

    public int FreeModel(nint model) => _free(model);

    public int CreateSession(nint model, out nint session)
    {
        nint s;
        int status = _create(model, &s);
        session = s;
        return status;
    }

    public int DestroySession(nint session) => _destroy(session);

    public int Step(nint session, uint ticks) => _step(session, ticks);

    public string LastError() => Marshal.PtrToStringUTF8((nint)_lastError()) ?? "";

    /// <summary>A fresh session on the samples' input schedule; the outputs after every tick.</summary>
    public float[][] RunSchedule(nint model, int ticks)
    {
        Info info;
        Assert.Equal(0, _info(model, &info));
        Assert.Equal(0, CreateSession(model, out nint s));
        var inputs = new float[info.InputCount];
        var rows = new float[ticks][];
        for (int t = 0; t < ticks; t++)
        {
            for (int c = 0; c < inputs.Length; c++) inputs[c] = Reference.Input(t, c);
            rows[t] = new float[info.OutputCount];
            fixed (float* p = inputs) Assert.Equal(0, _setInputs(s, p, (nuint)inputs.Length));
            Assert.Equal(0, _step(s, 1));
            fixed (float* o = rows[t]) Assert.Equal(0, _getOutputs(s, o, (nuint)rows[t].Length));
        }

        Assert.Equal(0, DestroySession(s));
        return rows;
    }

    public void Dispose()
    {
        // A NativeAOT library cannot be unloaded; the handle stays open for the process.
    }

    /// <summary>ifm_model_info.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Info
    {
        public uint NeuronCount, InputCount, OutputCount, EdgeCount, GroupCount;
        public int IsPlastic;
        public float Dt;
    }

    private nint Export(string name) => NativeLibrary.GetExport(_lib, name);
}
