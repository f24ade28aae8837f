using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ifm.Cli.Tests;

/// <summary>
/// The published <c>ifm run --dashboard</c> page in Debian's headless Chromium (scripts/install-deps.sh): live values
/// reach the DOM, a freeze (the button's POST) shows as frozen learning, and a screenshot is kept in
/// artifacts/test-output/dashboard.png.
/// </summary>
public sealed partial class DashboardBrowserTests() : TempDirectoryTests("ifm-dash-")
{
    private const string Chromium = "/usr/bin/chromium";

    private string Browser(string url, string mode)
    {
        var args = new List<string>
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--user-data-dir=" + Path.Combine(Dir, "profile-" + Guid.NewGuid().ToString("N")),
            "--virtual-time-budget=5000", "--window-size=1200,900", mode, url + "&frames=5",
        };
        ProcessResult r = ProcessRunner.Run(Chromium, args, 120);
        return r.Stdout;
    }

    [Fact]
    public void The_page_shows_live_values_and_frozen_learning()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is required (scripts/install-deps.sh)");
        string ifm = PublishedArtifacts.Ifm("linux-x64");
        var psi = new ProcessStartInfo(ifm) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "run", RepoFiles.Model("pavlov.ifm"), "--sim", "pavlov", "--rate", "200", "--duration", "600", "--dashboard", "127.0.0.1:0" }) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        try
        {
            string? url = null;
            var sw = Stopwatch.StartNew();
            while (url is null && sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                string? line = p.StandardOutput.ReadLine() ?? p.StandardError.ReadLine();
                if (line is null) break;
                if (UrlPattern().Match(line) is { Success: true } m) url = m.Value;
            }

            Assert.NotNull(url);
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();

            string dom = Browser(url, "--dump-dom");
            Assert.Contains("<span id=\"model\">pavlov</span>", dom, StringComparison.Ordinal);
            long periods = long.Parse(Cell().Match(dom).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(periods > 0, "no live period count in the page");
            Assert.Contains("<td id=\"learning\">on</td>", dom, StringComparison.Ordinal);

            string token = url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..];
            using (var http = new HttpClient())
            {
                var post = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(url), "/api/freeze"));
                post.Headers.Add("X-Ifm-Token", token);
                Assert.True(http.Send(post).IsSuccessStatusCode);
            }

            string frozen = Browser(url, "--dump-dom");
            Assert.Contains("<td id=\"learning\">frozen</td>", frozen, StringComparison.Ordinal);

            string shots = Path.Combine(PublishedArtifacts.RepoRoot, "artifacts", "test-output");
            Directory.CreateDirectory(shots);
            string png = Path.Combine(shots, "dashboard.png");
            Browser(url, "--screenshot=" + png);
            Assert.True(File.Exists(png) && new FileInfo(png).Length > 10_000, "no screenshot");
        }
        finally
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(10_000);
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+")]
    private static partial Regex UrlPattern();

    [GeneratedRegex("<td id=\"periods\">(\\d+)</td>")]
    private static partial Regex Cell();
}
