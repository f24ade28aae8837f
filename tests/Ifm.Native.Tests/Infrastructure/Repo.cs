namespace Ifm.Native.Tests.Infrastructure;

/// <summary>Paths in the repository and in the published artifacts.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>$IFM_ARTIFACTS, else &lt;repo&gt;/artifacts/publish.</summary>
    public static string Artifacts { get; } =
        Environment.GetEnvironmentVariable("IFM_ARTIFACTS") is { Length: > 0 } a ? Path.GetFullPath(a) : Path.Combine(Root, "artifacts", "publish");

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Include => Path_("native", "include");

    public static string Model(string name) => Path_("runtime", "models", name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IFM.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (IFM.sln) not found above " + AppContext.BaseDirectory);
    }
}
