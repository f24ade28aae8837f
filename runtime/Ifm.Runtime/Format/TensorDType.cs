namespace Ifm.Runtime.Format;

/// <summary>Element types of safetensors tensors the runtime reads or recognises.</summary>
public enum TensorDType
{
    F32,
    I32,
    U8,

    // Recognised so that the error can say "wrong dtype" rather than "unknown dtype"; never accepted for IFM tensors.
    F16,
    BF16,
    F64,
    I8,
    I16,
    U16,
    I64,
    U32,
    U64,
    Bool,
}

internal static class TensorDTypes
{
    public static bool TryParse(string s, out TensorDType dtype)
    {
        dtype = s switch
        {
            "F32" => TensorDType.F32,
            "I32" => TensorDType.I32,
            "U8" => TensorDType.U8,
            "F16" => TensorDType.F16,
            "BF16" => TensorDType.BF16,
            "F64" => TensorDType.F64,
            "I8" => TensorDType.I8,
            "I16" => TensorDType.I16,
            "U16" => TensorDType.U16,
            "I64" => TensorDType.I64,
            "U32" => TensorDType.U32,
            "U64" => TensorDType.U64,
            "BOOL" => TensorDType.Bool,
            _ => (TensorDType)(-1),
        };
        return (int)dtype >= 0;
    }

    public static string Name(TensorDType d) => d == TensorDType.Bool ? "BOOL" : d.ToString();

    public static int Size(TensorDType d) => d switch
    {
        TensorDType.U8 or TensorDType.I8 or TensorDType.Bool => 1,
        TensorDType.F16 or TensorDType.BF16 or TensorDType.I16 or TensorDType.U16 => 2,
        TensorDType.F32 or TensorDType.I32 or TensorDType.U32 => 4,
        _ => 8,
    };
}
