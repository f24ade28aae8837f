using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>
/// The checked-in ifm.h status block and the library's Status.g.cs are exactly what <see cref="StatusGenerator"/>
/// makes of <see cref="Ifm.Core.IfmErrorCode"/>: a new error kind is a value there plus a run of
/// scripts/generate-status.sh (these tests with IFM_REGENERATE=1, which rewrite the files), nothing by hand.
/// </summary>
public sealed class StatusGeneratorTests
{
    private static bool Regenerate => Environment.GetEnvironmentVariable("IFM_REGENERATE") == "1";

    private static void Check(string path, string expected)
    {
        string actual = File.ReadAllText(path);
        if (Regenerate && actual != expected) File.WriteAllText(path, expected);
        else Assert.True(actual == expected, $"{path} is not what IfmErrorCode generates: run scripts/generate-status.sh");
    }

    [Fact]
    public void The_header_status_list_is_generated_from_the_error_codes() =>
        Check(Path.Combine(Repo.Include, "ifm.h"), StatusGenerator.WithHeaderBlock(File.ReadAllText(Path.Combine(Repo.Include, "ifm.h"))));

    [Fact]
    public void The_library_status_table_is_generated_from_the_error_codes() =>
        Check(Repo.Path_("native", "Ifm.Native", "Abi", "Status.g.cs"), StatusGenerator.StatusSource());

    [Fact]
    public void The_generated_block_lists_every_code_once_in_order()
    {
        string block = StatusGenerator.HeaderBlock();
        var values = System.Text.RegularExpressions.Regex.Matches(block, @"\b(IFM_(?:OK|ERR_[A-Z_]+)) = (\d+)").Select(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, Enum.GetValues<Ifm.Core.IfmErrorCode>().Length + 1), values);
        Assert.Contains("IFM_ERR_NON_FINITE = 17 ", block, StringComparison.Ordinal);
    }
}
