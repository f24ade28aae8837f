using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Ifm.Control.Dashboard;

namespace Ifm.Control.Tests;

public sealed class DashboardTests
{
    private static readonly DashboardSummary Summary = new() { ModelName = "t", OutputNames = ["S"], CanCheckpoint = false };

    private static DashboardServer Loopback(LiveSnapshot live, LoopStatistics stats) =>
        new(new IPEndPoint(IPAddress.Loopback, 0), allowNonLoopback: false, live, stats, Summary, interval: TimeSpan.FromMilliseconds(20));

    /// <summary>The Pavlov model (Hebbian, learning) in a loop over the simulated Pavlov devices, publishing to a live snapshot.</summary>
    private sealed class PavlovLoop : IDisposable
    {
        private readonly DeviceSet _devices;

        public PavlovLoop(double rateHz)
        {
            var model = Models.PavlovHebbian(0.05f);
            _devices = DeviceSet.Bind(DeviceMap.Load(Paths.Example("pavlov-sim.json")), model.InputNames, model.OutputNames, SimulatedHardware.ForPavlov());
            Session = new CpuSession(model);
            Live = new LiveSnapshot(model.InputCount, model.OutputCount, _devices.ActuatorChannelCount, Session);
            Loop = new ControlLoop(Session, _devices, new LoopOptions { RateHz = rateHz, MaxPeriods = 4000, WarmupPeriods = 200, Live = Live });
        }

        public CpuSession Session { get; }

        public LiveSnapshot Live { get; }

        public ControlLoop Loop { get; }

        public void Dispose()
        {
            Session.Dispose();
            _devices.Dispose();
        }
    }

    /// <summary>A client that asks for the event stream and never reads it (a small receive buffer fills at once).</summary>
    private static TcpClient StalledClient(DashboardServer server)
    {
        var stalled = new TcpClient { ReceiveBufferSize = 1024 };
        stalled.Connect(server.Endpoint);
        stalled.GetStream().Write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"u8);
        return stalled;
    }

    [Fact]
    public void A_non_loopback_address_is_refused_without_the_bind_option()
    {
        var live = new LiveSnapshot(1, 1, 0, null);
        var e = Assert.Throws<ArgumentException>(() => new DashboardServer(new IPEndPoint(IPAddress.Any, 0), false, live, new LoopStatistics(), Summary));
        Assert.Contains("--dashboard-bind", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posts_need_the_token_and_the_same_origin()
    {
        var live = new LiveSnapshot(1, 1, 0, null);
        using var server = Loopback(live, new LoopStatistics());
        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.Endpoint}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode); // the page itself is open on loopback
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("/api/freeze", null)).StatusCode);

        var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/freeze");
        wrong.Headers.Add("X-Ifm-Token", new string('0', server.Token.Length));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(wrong)).StatusCode);

        var crossOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/freeze");
        crossOrigin.Headers.Add("X-Ifm-Token", server.Token);
        crossOrigin.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(crossOrigin)).StatusCode);

        var ok = new HttpRequestMessage(HttpMethod.Post, "/api/freeze");
        ok.Headers.Add("X-Ifm-Token", server.Token);
        ok.Headers.Add("Origin", $"http://{server.Endpoint}");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(ok)).StatusCode);

        // No --checkpoint: the checkpoint button answers 409 with the reason.
        var ck = new HttpRequestMessage(HttpMethod.Post, "/api/checkpoint");
        ck.Headers.Add("X-Ifm-Token", server.Token);
        HttpResponseMessage ckr = await http.SendAsync(ck);
        Assert.Equal(HttpStatusCode.Conflict, ckr.StatusCode);
        Assert.Contains("--checkpoint", await ckr.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_non_loopback_bind_every_request_needs_the_token()
    {
        var live = new LiveSnapshot(1, 1, 0, null);
        using var server = new DashboardServer(new IPEndPoint(IPAddress.Any, 0), allowNonLoopback: true, live, new LoopStatistics(), Summary);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Endpoint.Port}") };
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/summary")).StatusCode);
        HttpResponseMessage page = await http.GetAsync("/?token=" + server.Token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<canvas id=\"raster\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal); // self-contained: nothing from elsewhere
        Assert.Contains(server.Token, server.Url, StringComparison.Ordinal);
    }

    [Fact]
    public void Freeze_from_the_dashboard_stops_learning_in_the_loop_and_a_stalled_client_costs_it_nothing()
    {
        using var pavlov = new PavlovLoop(rateHz: 2000);
        var (session, live, loop) = (pavlov.Session, pavlov.Live, pavlov.Loop);
        using var server = Loopback(live, loop.Statistics);

        // A client that asks for the event stream and never reads it: the server's sends block, the loop must not.
        using TcpClient stalled = StalledClient(server);

        long ticksAtFreeze = -1;
        LoopResult? result = null;
        var run = new Thread(() => result = loop.Run(CancellationToken.None));
        run.Start();
        using (var http = new HttpClient { BaseAddress = new Uri($"http://{server.Endpoint}") })
        {
            while (loop.Statistics.Periods < 1000) Thread.Sleep(5);
            var req = new HttpRequestMessage(HttpMethod.Post, "/api/freeze");
            req.Headers.Add("X-Ifm-Token", server.Token);
            Assert.True(http.Send(req).IsSuccessStatusCode);
            while (live.LearningEnabled && run.IsAlive) Thread.Sleep(1);
            ticksAtFreeze = loop.Statistics.LearningTicks;
        }

        run.Join();
        Assert.Equal(StopReason.Completed, result!.Reason);
        Assert.False(session.Plasticity.Enabled);
        Assert.InRange(ticksAtFreeze, 900, 3000);
        Assert.InRange(loop.Statistics.LearningTicks - ticksAtFreeze, 0, 2); // at most the period in flight
    }

    [Fact]
    public void Publishing_to_the_dashboard_with_a_stalled_client_allocates_nothing_on_the_loop_thread()
    {
        using var pavlov = new PavlovLoop(rateHz: 5000);
        var loop = pavlov.Loop;
        using var server = Loopback(pavlov.Live, loop.Statistics);
        using TcpClient stalled = StalledClient(server);
        Assert.Equal(StopReason.Completed, loop.Run(CancellationToken.None).Reason);
        Assert.Equal(3800, loop.Statistics.SteadyPeriods);
        Assert.Equal(0, loop.Statistics.SteadyAllocatedBytes);
    }

    [Fact]
    public async Task The_event_stream_carries_the_loops_last_period()
    {
        var live = new LiveSnapshot(2, 1, 0, null);
        var stats = new LoopStatistics();
        using var server = Loopback(live, stats);
        live.Publish(41, 5000, [1f, 2f], [0.5f], null);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.Endpoint}") };
        using var resp = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(new MediaTypeHeaderValue("text/event-stream"), resp.Content.Headers.ContentType);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        string? line = await reader.ReadLineAsync();
        Assert.StartsWith("data: {", line, StringComparison.Ordinal);

        // The period's values, and every counter of the loop's table under its JSON key.
        string[] parts = ["\"period\":41", "\"inputs\":[1,2]", "\"outputs\":[0.5]", .. LoopCounters.Rows.Select(r => $"\"{r.Json}\":")];
        foreach (string part in parts) Assert.Contains(part, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Prometheus_text_names_every_counter()
    {
        string text = PrometheusEndpoint.Render(new LoopStatistics(), 1000);
        Assert.Contains("ifm_learning_performance NaN\n", text, StringComparison.Ordinal); // no performance signal bound
        Assert.Contains("# TYPE ifm_loop_periods_total counter\nifm_loop_periods_total 0\n", text, StringComparison.Ordinal);
        Assert.Contains("ifm_loop_rate_target_hertz 1000\n", text, StringComparison.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            Assert.Matches("^ifm_[a-z0-9_]+ ([-0-9.Ee+]+|NaN)$", line); // NaN: a gauge with no value (Prometheus text allows it)
        }
    }
}
