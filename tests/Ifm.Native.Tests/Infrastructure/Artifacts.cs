namespace Ifm.Native.Tests.Infrastructure;

/// <summary>The published binaries the tests use (see <see cref="PublishedArtifacts"/>).</summary>
internal static class Artifacts
{
    public static string Dir(string rid) => Path.Combine(PublishedArtifacts.Directory, rid);

    /// <summary>Path of libifm.so for <paramref name="rid"/>, publishing it if needed.</summary>
    public static string LibIfm(string rid) => PublishedArtifacts.LibIfm(rid);

    /// <summary>Path of the ifm executable for <paramref name="rid"/>, publishing it if needed.</summary>
    public static string Cli(string rid) => PublishedArtifacts.Ifm(rid);
}
