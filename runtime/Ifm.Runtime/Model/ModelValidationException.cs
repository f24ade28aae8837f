namespace Ifm.Runtime.Model;

/// <summary>Thrown by <see cref="ModelBuilder.Build"/> when the described network is not valid; the message names the offending part.</summary>
public sealed class ModelValidationException : Ifm.Core.IfmException
{
    public ModelValidationException(string message) : base(Ifm.Core.IfmErrorCode.ModelFormat, message) { }
}
