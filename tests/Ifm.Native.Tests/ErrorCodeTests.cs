using System.Reflection;
using System.Text.RegularExpressions;
using Ifm.Core;
using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>
/// One error contract: every <see cref="IfmErrorCode"/> is an <c>IFM_ERR_*</c> status of ifm.h with the same number,
/// and the library's status table (<c>Ifm.Native.Abi.Status</c>) agrees with both.
/// </summary>
public partial class ErrorCodeTests
{
    private static Dictionary<string, int> HeaderStatuses() =>
        HeaderStatus().Matches(File.ReadAllText(Path.Combine(Repo.Include, "ifm.h")))
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>ModelFormat → MODEL_FORMAT.</summary>
    private static string Snake(string name) => CamelHump().Replace(name, "$1_$2").ToUpperInvariant();

    [Fact]
    public void Every_error_code_is_a_status_of_the_header_with_the_same_number()
    {
        var header = HeaderStatuses();
        Assert.True(header.Count >= 16, $"only {header.Count} statuses parsed");
        foreach (IfmErrorCode code in Enum.GetValues<IfmErrorCode>())
        {
            string name = "IFM_ERR_" + Snake(code.ToString());
            Assert.True(header.TryGetValue(name, out int value), $"{name} is not in ifm.h");
            Assert.Equal((int)code, value);
        }
    }

    [Fact]
    public void The_library_status_table_matches_the_header()
    {
        var header = HeaderStatuses();
        var status = typeof(Ifm.Native.Abi.Status).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != "Count" && f.Name != "Ok")
            .ToDictionary(f => "IFM_ERR_" + Snake(f.Name), f => (int)f.GetRawConstantValue()!);
        Assert.Equal(header.OrderBy(kv => kv.Value), status.OrderBy(kv => kv.Value));
        Assert.Equal(Ifm.Native.Abi.Status.Count, header.Values.Max() + 1);
    }

    [GeneratedRegex(@"\b(IFM_ERR_[A-Z_]+) = (\d+)")]
    private static partial Regex HeaderStatus();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex CamelHump();
}
