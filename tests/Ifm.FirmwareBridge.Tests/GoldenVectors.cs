namespace Ifm.FirmwareBridge.Tests;

internal sealed record GoldenVector(string Name, byte[] Decoded, byte[] Wire);

internal static class GoldenVectors
{
    public static IReadOnlyList<GoldenVector> Load()
    {
        var list = new List<GoldenVector>();
        foreach (string line in File.ReadAllLines(RepoPaths.GoldenVectors))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] parts = line.Split('\t');
            list.Add(new GoldenVector(parts[0], Convert.FromHexString(parts[1]), Convert.FromHexString(parts[2])));
        }

        return list;
    }

    public static IEnumerable<object[]> Names() => Load().Select(v => new object[] { v.Name });
}
