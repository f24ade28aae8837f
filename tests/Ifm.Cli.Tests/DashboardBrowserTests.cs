using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ifm.Cli.Tests;

/// <summary>
/// The published <c>ifm run --dashboard</c> page in Debian's headless Chromium (scripts/install-deps.sh): live values
/// reach the DOM, a mouse click on the freeze button (DevTools protocol) freezes learning and the counter stops, and
/// a screenshot of the live page is kept in artifacts/test-output/dashboard.png.
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

            // The live page in a browser driven over the DevTools protocol: the freeze button is clicked with the mouse.
            using var page = DevToolsPage.Open(Chromium, url, Dir);
            page.WaitFor("document.getElementById('status').textContent === 'live' && Number(document.getElementById('periods').textContent) > 0");
            Assert.Equal("on", page.Evaluate("document.getElementById('learning').textContent").GetString());
            page.Click("freeze");
            page.WaitFor("document.getElementById('learning').textContent === 'frozen'");
            Assert.Equal("freeze: ok", page.Evaluate("document.getElementById('state').textContent").GetString());

            // Frozen: the loop runs on (periods rise) and the learning-tick counter stands still.
            double ticks0 = double.Parse(page.Evaluate("document.getElementById('learningTicks').textContent").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            double periods0 = page.Evaluate("Number(document.getElementById('periods').textContent)").GetDouble();
            page.WaitFor($"Number(document.getElementById('periods').textContent) > {periods0} + 100");
            Assert.Equal(ticks0.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Evaluate("document.getElementById('learningTicks').textContent").GetString());

            // The dashboard's other view of the same state: a fresh page load shows it frozen.
            string frozen = Browser(url, "--dump-dom");
            Assert.Contains("<td id=\"learning\">frozen</td>", frozen, StringComparison.Ordinal);

            string shots = Path.Combine(PublishedArtifacts.RepoRoot, "artifacts", "test-output");
            Directory.CreateDirectory(shots);
            string png = Path.Combine(shots, "dashboard.png");
            File.WriteAllBytes(png, page.Screenshot());
            Assert.True(new FileInfo(png).Length > 10_000, "no screenshot");
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

/// <summary>
/// One page of a headless Chromium driven over the DevTools protocol (<c>--remote-debugging-port</c>, a WebSocket):
/// evaluate script, click an element with real mouse events, take a screenshot.
/// </summary>
internal sealed class DevToolsPage : IDisposable
{
    private readonly Process _browser;
    private readonly ClientWebSocket _ws = new();
    private int _id;

    private DevToolsPage(Process browser) => _browser = browser;

    public static DevToolsPage Open(string chromium, string url, string dir)
    {
        string profile = Path.Combine(dir, "devtools-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1200,900", url,
        })
        {
            psi.ArgumentList.Add(a);
        }
        var page = new DevToolsPage(Process.Start(psi)!);
        _ = page._browser.StandardOutput.ReadToEndAsync();
        _ = page._browser.StandardError.ReadToEndAsync();
        try
        {
            // Chromium writes the port it chose to <profile>/DevToolsActivePort.
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            var sw = Stopwatch.StartNew();
            while (!(File.Exists(portFile) && File.ReadAllText(portFile).Contains('\n', StringComparison.Ordinal)))
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60) && !page._browser.HasExited, "chromium did not open its DevTools port");
                Thread.Sleep(100);
            }

            int port = int.Parse(File.ReadAllLines(portFile)[0], System.Globalization.CultureInfo.InvariantCulture);
            using var http = new HttpClient();
            string? ws = null;
            while (ws is null)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "no page target in chromium");
                using var targets = JsonDocument.Parse(http.GetStringAsync($"http://127.0.0.1:{port}/json/list").GetAwaiter().GetResult());
                ws = targets.RootElement.EnumerateArray()
                    .Where(t => t.GetProperty("type").GetString() == "page" && t.GetProperty("url").GetString()!.StartsWith(url[..url.IndexOf('?', StringComparison.Ordinal)], StringComparison.Ordinal))
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
                if (ws is null) Thread.Sleep(100);
            }

            page._ws.ConnectAsync(new Uri(ws), CancellationToken.None).GetAwaiter().GetResult();
            return page;
        }
        catch
        {
            page.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and returns its <c>result</c>; a protocol error fails the test.</summary>
    public JsonElement Call(string method, object parameters)
    {
        int id = ++_id;
        string msg = JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = id, ["method"] = method, ["params"] = parameters });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _ws.SendAsync(Encoding.UTF8.GetBytes(msg), WebSocketMessageType.Text, true, cts.Token).GetAwaiter().GetResult();
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var ms = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = _ws.ReceiveAsync(buffer, cts.Token).GetAwaiter().GetResult();
                ms.Write(buffer, 0, r.Count);
            }
            while (!r.EndOfMessage);
            using var doc = JsonDocument.Parse(ms.ToArray());
            if (!doc.RootElement.TryGetProperty("id", out JsonElement got) || got.GetInt32() != id) continue; // an event
            Assert.False(doc.RootElement.TryGetProperty("error", out JsonElement err), $"{method}: {err}");
            return doc.RootElement.GetProperty("result").Clone();
        }
    }

    /// <summary>The value of a script expression in the page.</summary>
    public JsonElement Evaluate(string expression)
    {
        JsonElement r = Call("Runtime.evaluate", new Dictionary<string, object> { ["expression"] = expression, ["returnByValue"] = true });
        Assert.False(r.TryGetProperty("exceptionDetails", out JsonElement ex), $"{expression}: {ex}");
        return r.GetProperty("result").GetProperty("value");
    }

    /// <summary>Polls <paramref name="condition"/> until it is true (30 s at most); an exception (the page still loading) counts as false.</summary>
    public void WaitFor(string condition)
    {
        var sw = Stopwatch.StartNew();
        while (!Evaluate("(() => { try { return !!(" + condition + "); } catch { return false; } })()").GetBoolean())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting for " + condition);
            Thread.Sleep(100);
        }
    }

    /// <summary>A left click with the mouse at the centre of the element with this id (press and release events).</summary>
    public void Click(string id)
    {
        JsonElement box = Evaluate($"(() => {{ const r = document.getElementById('{id}').getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()");
        double x = box[0].GetDouble(), y = box[1].GetDouble();
        foreach (string type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
        {
            Call("Input.dispatchMouseEvent", new Dictionary<string, object> { ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1 });
        }
    }

    public byte[] Screenshot() => Convert.FromBase64String(Call("Page.captureScreenshot", new Dictionary<string, object> { ["format"] = "png" }).GetProperty("data").GetString()!);

    public void Dispose()
    {
        _ws.Dispose();
        if (!_browser.HasExited) _browser.Kill(entireProcessTree: true);
        _browser.WaitForExit(10_000);
        _browser.Dispose();
    }
}
