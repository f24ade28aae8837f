using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ifm.Control.Loop;

namespace Ifm.Control.Dashboard;

/// <summary>What the dashboard shows about the run besides the live values (written once at start).</summary>
public sealed record DashboardSummary : Hosting.RunDescription
{
    public bool Plastic { get; init; }
    public string Backend { get; init; } = "";
    public string DeviceMap { get; init; } = "";

    /// <summary>"name (type)" per device.</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];
    public bool CanCheckpoint { get; init; }
}

/// <summary>
/// <c>ifm run --dashboard</c>: one self-contained page (HTML/JS/CSS embedded in the binary), live values by
/// Server-Sent Events from the loop's <see cref="LiveSnapshot"/>, and POST actions (freeze/unfreeze learning, save a
/// checkpoint). Every POST needs the token printed at start (header <c>X-Ifm-Token</c>) and a same-origin request;
/// on a non-loopback address every request needs it (the page link carries it as <c>?token=</c>).
/// </summary>
public sealed class DashboardServer : IDisposable
{
    private readonly HttpEndpoint _http;
    private readonly LiveSnapshot _live;
    private readonly LoopStatistics _stats;
    private readonly DashboardSummary _summary;
    private readonly bool _loopbackOnly;
    private readonly TimeSpan _interval;

    public DashboardServer(IPEndPoint bind, bool allowNonLoopback, LiveSnapshot live, LoopStatistics stats, DashboardSummary summary, string? token = null,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(bind);
        if (!IPAddress.IsLoopback(bind.Address) && !allowNonLoopback)
        {
            throw new ArgumentException($"--dashboard: {bind.Address} is not a loopback address; to serve other machines name it with --dashboard-bind (then every request needs the token)");
        }

        _live = live;
        _stats = stats;
        _summary = summary;
        _loopbackOnly = IPAddress.IsLoopback(bind.Address);
        _interval = interval ?? TimeSpan.FromMilliseconds(200);
        Token = token ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _http = new HttpEndpoint(bind, Handle, "ifm-dashboard");
    }

    public string Token { get; }

    public IPEndPoint Endpoint => _http.Endpoint;

    /// <summary>The address to open, token included.</summary>
    public string Url => $"http://{(Endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : Endpoint.Address)}:{Endpoint.Port}/?token={Token}";

    private bool Handle(HttpRequest req, NetworkStream s)
    {
        bool tokenOk = CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(req.Header("X-Ifm-Token") ?? req.QueryValue("token") ?? ""), Encoding.UTF8.GetBytes(Token));
        if (!_loopbackOnly && !tokenOk)
        {
            HttpEndpoint.Respond(s, 403, "text/plain; charset=utf-8", "the dashboard needs its token (?token=… as printed at start)\n");
            return false;
        }

        switch (req.Method, req.Path)
        {
            case ("GET", "/"):
                HttpEndpoint.Respond(s, 200, "text/html; charset=utf-8", Page(),
                    "Content-Security-Policy: default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'\r\n");
                return true;
            case ("GET", "/api/summary"):
                HttpEndpoint.Respond(s, 200, "application/json", SummaryJson());
                return true;
            case ("GET", "/events"):
                StreamEvents(s);
                return false;
            case ("POST", "/api/freeze" or "/api/unfreeze" or "/api/checkpoint"):
                return Post(req, s, tokenOk);
            default:
                HttpEndpoint.Respond(s, req.Method is "GET" or "POST" ? 404 : 405, "text/plain; charset=utf-8", "not found\n");
                return true;
        }
    }

    private bool Post(HttpRequest req, NetworkStream s, bool tokenOk)
    {
        // Same origin: a browser sends Origin on a POST; it must be this server. Non-browser clients send none.
        string? origin = req.Header("Origin");
        string? host = req.Header("Host");
        if (origin is not null && (host is null || !string.Equals(origin, "http://" + host, StringComparison.OrdinalIgnoreCase)))
        {
            HttpEndpoint.Respond(s, 403, "text/plain; charset=utf-8", "cross-origin request refused\n");
            return false;
        }

        if (!tokenOk)
        {
            HttpEndpoint.Respond(s, 403, "text/plain; charset=utf-8", "missing or wrong X-Ifm-Token\n");
            return false;
        }

        if (req.Header("Content-Length") is { } cl && cl != "0")
        {
            HttpEndpoint.Respond(s, 400, "text/plain; charset=utf-8", "no request body expected\n");
            return false;
        }

        switch (req.Path)
        {
            case "/api/freeze":
                _live.RequestLearning(false);
                break;
            case "/api/unfreeze":
                _live.RequestLearning(true);
                break;
            default:
                if (!_summary.CanCheckpoint)
                {
                    HttpEndpoint.Respond(s, 409, "text/plain; charset=utf-8", "no checkpoint file: start ifm run with --checkpoint\n");
                    return true;
                }

                _live.RequestCheckpoint();
                break;
        }

        HttpEndpoint.Respond(s, 200, "application/json", "{\"ok\":true}");
        return true;
    }

    private void StreamEvents(NetworkStream s)
    {
        s.Write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"u8);
        var frame = new LiveFrame();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        while (true)
        {
            buffer.ResetWrittenCount();
            buffer.Write("data: "u8);
            using (var w = new Utf8JsonWriter(buffer))
            {
                WriteFrame(w, _live.TryRead(frame) ? frame : null);
            }

            buffer.Write("\n\n"u8);
            s.Write(buffer.WrittenSpan); // blocks this client's thread only (send timeout 2 s, then the client is dropped)
            s.Flush();
            Thread.Sleep(_interval);
        }
    }

    private void WriteFrame(Utf8JsonWriter w, LiveFrame? f)
    {
        LoopStatistics st = _stats;
        w.WriteStartObject();
        foreach (LoopCounters.Row row in LoopCounters.Rows)
        {
            // JSON has no NaN (a learning-performance signal that is not bound): null.
            double v = row.JsonValue(st);
            if (double.IsFinite(v))
            {
                w.WriteNumber(row.Json, v);
            }
            else
            {
                w.WriteNull(row.Json);
            }
        }

        w.WriteBoolean("learning", _live.LearningEnabled);
        w.WriteNumber("checkpoints", _live.CheckpointsSaved);
        if (f is not null)
        {
            w.WriteNumber("period", f.Period);
            w.WriteNumber("computeUs", f.ComputeNs / 1000.0);
            Floats(w, "inputs", f.Inputs);
            Floats(w, "outputs", f.Outputs);
            Floats(w, "actuators", f.Actuators);
            w.WriteStartArray("spikes");
            for (int i = 0; i < f.Spikes.Length; i++) if (f.Spikes[i] != 0) w.WriteNumberValue(i);
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Floats(Utf8JsonWriter w, string name, float[] v)
    {
        w.WriteStartArray(name);
        foreach (float x in v) w.WriteNumberValue(float.IsFinite(x) ? x : 0f);
        w.WriteEndArray();
    }

    private string SummaryJson()
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            DashboardSummary d = _summary;
            w.WriteStartObject();
            d.WriteRunFields(w);
            w.WriteBoolean("plastic", d.Plastic);
            w.WriteString("backend", d.Backend);
            w.WriteString("deviceMap", d.DeviceMap);
            w.WriteNumber("rasterNeurons", _live.NeuronCount);
            w.WriteBoolean("canCheckpoint", d.CanCheckpoint);
            Hosting.RunDescription.WriteNames(w, "devices", d.Devices);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static byte[]? _page;

    private static byte[] Page()
    {
        if (_page is not null) return _page;
        using Stream res = typeof(DashboardServer).Assembly.GetManifestResourceStream("Ifm.Control.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is not embedded");
        using var ms = new MemoryStream();
        res.CopyTo(ms);
        return _page = ms.ToArray();
    }

    public void Dispose() => _http.Dispose();

    internal static string Invariant(double v) => v.ToString(CultureInfo.InvariantCulture);
}
