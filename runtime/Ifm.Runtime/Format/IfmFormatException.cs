namespace Ifm.Runtime.Format;

/// <summary>
/// The one exception type the .ifm reader throws for a malformed or unsupported file.
/// The message names the file, the part that is wrong and why, e.g.
/// <c>model.ifm: tensor 'edges.weight': data_offsets [0, 400] end beyond the data section (392 bytes)</c>.
/// </summary>
public sealed class IfmFormatException : Ifm.Core.IfmException
{
    public IfmFormatException(string message) : base(Ifm.Core.IfmErrorCode.ModelFormat, message) { }

    public IfmFormatException(string message, Exception inner) : base(Ifm.Core.IfmErrorCode.ModelFormat, message, inner) { }
}
