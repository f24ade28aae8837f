namespace Ifm.Native.Tests.Infrastructure;

/// <summary>Paths in the repository and in the published artifacts.</summary>
internal static class Repo
{
    public static string Root => PublishedArtifacts.RepoRoot;

    /// <summary>$IFM_ARTIFACTS, else &lt;repo&gt;/artifacts/publish.</summary>
    public static string Artifacts => PublishedArtifacts.Directory;

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Include => Path_("native", "include");

    public static string Model(string name) => Path_("runtime", "models", name);
}
