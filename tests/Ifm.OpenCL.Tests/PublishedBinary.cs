namespace Ifm.OpenCL.Tests;

/// <summary>The NativeAOT <c>ifm</c> for linux-x64 (see <see cref="PublishedArtifacts"/>), as a class fixture.</summary>
public sealed class PublishedBinary
{
    public string Path { get; } = PublishedArtifacts.Ifm("linux-x64");
}
