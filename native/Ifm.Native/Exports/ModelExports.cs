using System.Runtime.InteropServices;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Native.Abi;

namespace Ifm.Native.Exports;

/// <summary>Loading models and reading what they are: <c>ifm_model_*</c>.</summary>
internal static unsafe class ModelExports
{
    /// <summary>Largest model buffer accepted from memory (the reader needs one managed array).</summary>
    private const ulong MaxModelBytes = int.MaxValue - 64;

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_load_file")]
    public static int LoadFile(byte* path, nint* model)
    {
        const string F = "ifm_model_load_file";
        try
        {
            if (model == null) return Errors.NullPointer(F, "out_model");
            *model = 0;
            if (path == null) return Errors.NullPointer(F, "path");
            var text = Utf8Text.Read(path);
            if (text is null) return Errors.Fail(F, Status.InvalidArgument, $"'path' is longer than {Utf8Text.MaxInputBytes} bytes or not NUL-terminated");
            if (text.Length == 0) return Errors.Fail(F, Status.InvalidArgument, "'path' is empty");
            if (!File.Exists(text)) return Errors.Fail(F, Status.Io, Directory.Exists(text) ? $"{text}: is a directory, not a model file" : $"{text}: no such file");
            *model = HandleTable.Add(IfmFile.Read(text), HandleTable.ModelKind);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_load_memory")]
    public static int LoadMemory(byte* data, nuint size, nint* model)
    {
        const string F = "ifm_model_load_memory";
        try
        {
            if (model == null) return Errors.NullPointer(F, "out_model");
            *model = 0;
            if (data == null) return Errors.NullPointer(F, "data");
            if (size == 0) return Errors.Fail(F, Status.ModelFormat, "'size' is 0: an empty buffer is not a model");
            if (size > MaxModelBytes) return Errors.Fail(F, Status.InvalidArgument, $"'size' {size} exceeds the largest model buffer ({MaxModelBytes} bytes)");
            var bytes = new ReadOnlySpan<byte>(data, (int)size).ToArray();
            *model = HandleTable.Add(IfmFile.Read(bytes, "<memory>"), HandleTable.ModelKind);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_free")]
    public static int Free(nint model)
    {
        const string F = "ifm_model_free";
        try
        {
            if (model == 0) return Status.Ok;
            return HandleTable.Remove(model, HandleTable.ModelKind, out _) ? Status.Ok : Errors.ClosedHandle(F, "model", "model");
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_get_info")]
    public static int Info(nint model, ModelInfo* info)
    {
        const string F = "ifm_model_get_info";
        try
        {
            if (info == null) return Errors.NullPointer(F, "out_info");
            var m = HandleTable.Find<IfmModel>(model, HandleTable.ModelKind);
            if (m is null) return model == 0 ? Errors.NullPointer(F, "model") : Errors.ClosedHandle(F, "model", "model");
            *info = new ModelInfo
            {
                NeuronCount = (uint)m.NeuronCount,
                InputCount = (uint)m.InputCount,
                OutputCount = (uint)m.OutputCount,
                EdgeCount = (uint)m.EdgeCount,
                GroupCount = (uint)m.EdgeGroups.Count,
                IsPlastic = m.IsPlastic ? 1 : 0,
                Dt = m.Dt,
            };
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Errors.From(F, e);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_name")]
    public static int Name(nint model, byte* buffer, nuint capacity, nuint* length) =>
        Text("ifm_model_name", model, m => m.Name, buffer, capacity, length);

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_id")]
    public static int Id(nint model, byte* buffer, nuint capacity, nuint* length) =>
        Text("ifm_model_id", model, m => m.Id, buffer, capacity, length);

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_input_name")]
    public static int InputName(nint model, nuint index, byte* buffer, nuint capacity, nuint* length) =>
        Channel("ifm_model_input_name", model, index, input: true, buffer, capacity, length);

    [UnmanagedCallersOnly(EntryPoint = "ifm_model_output_name")]
    public static int OutputName(nint model, nuint index, byte* buffer, nuint capacity, nuint* length) =>
        Channel("ifm_model_output_name", model, index, input: false, buffer, capacity, length);

    private static int Channel(string f, nint model, nuint index, bool input, byte* buffer, nuint capacity, nuint* length)
    {
        try
        {
            var m = HandleTable.Find<IfmModel>(model, HandleTable.ModelKind);
            if (m is null) return model == 0 ? Errors.NullPointer(f, "model") : Errors.ClosedHandle(f, "model", "model");
            var names = input ? m.InputNames : m.OutputNames;
            if (index >= (nuint)names.Count)
                return Errors.Fail(f, Status.InvalidArgument, $"'index' {index} is out of range (the model has {names.Count} {(input ? "inputs" : "outputs")})");
            return WriteText(f, names[(int)index], buffer, capacity, length);
        }
        catch (Exception e)
        {
            return Errors.From(f, e);
        }
    }

    private static int Text(string f, nint model, Func<IfmModel, string> value, byte* buffer, nuint capacity, nuint* length)
    {
        try
        {
            var m = HandleTable.Find<IfmModel>(model, HandleTable.ModelKind);
            if (m is null) return model == 0 ? Errors.NullPointer(f, "model") : Errors.ClosedHandle(f, "model", "model");
            return WriteText(f, value(m), buffer, capacity, length);
        }
        catch (Exception e)
        {
            return Errors.From(f, e);
        }
    }

    private static int WriteText(string f, string value, byte* buffer, nuint capacity, nuint* length)
    {
        if (buffer == null && capacity != 0) return Errors.NullPointer(f, "buffer");
        if (Utf8Text.Write(value, buffer, capacity, length)) return Status.Ok;
        return Errors.Fail(f, Status.SizeMismatch,
            $"'capacity' {capacity} is too small: the text needs {System.Text.Encoding.UTF8.GetByteCount(value) + 1} bytes with its NUL");
    }
}

/// <summary>The C struct <c>ifm_model_info</c> (layout is ABI: append only, in a new minor version).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ModelInfo
{
    public uint NeuronCount;
    public uint InputCount;
    public uint OutputCount;
    public uint EdgeCount;
    public uint GroupCount;
    public int IsPlastic;
    public float Dt;
}
