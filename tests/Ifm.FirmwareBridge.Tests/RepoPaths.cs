namespace Ifm.FirmwareBridge.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string FirmwareBridge => Path.Combine(Root, "firmware-bridge");

    public static string GoldenVectors => Path.Combine(FirmwareBridge, "golden-vectors.txt");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "firmware-bridge", "golden-vectors.txt")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"cannot find the repository root above {AppContext.BaseDirectory}");
    }
}
