using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ifm.Control.Loop;

namespace Ifm.Control.Dashboard;

/// <summary>
/// <c>ifm run --metrics 127.0.0.1:9464</c>: the loop's counters and latency percentiles in the Prometheus text
/// exposition format at <c>/metrics</c>, read from <see cref="LoopStatistics"/> on the request's thread.
/// </summary>
public sealed class PrometheusEndpoint : IDisposable
{
    private readonly HttpEndpoint _http;
    private readonly LoopStatistics _stats;
    private readonly double _rateHz;

    public PrometheusEndpoint(IPEndPoint bind, LoopStatistics stats, double rateHz)
    {
        _stats = stats;
        _rateHz = rateHz;
        _http = new HttpEndpoint(bind, Handle, "ifm-metrics");
    }

    public IPEndPoint Endpoint => _http.Endpoint;

    private bool Handle(HttpRequest req, NetworkStream s)
    {
        if (req.Method != "GET" || req.Path != "/metrics")
        {
            HttpEndpoint.Respond(s, 404, "text/plain; charset=utf-8", "see /metrics\n");
            return true;
        }

        HttpEndpoint.Respond(s, 200, "text/plain; version=0.0.4; charset=utf-8", Render(_stats, _rateHz));
        return true;
    }

    /// <summary>The exposition text (names follow the meter's instruments with dots as underscores).</summary>
    public static string Render(LoopStatistics st, double rateHz)
    {
        var sb = new StringBuilder();
        void Metric(string name, string type, string help, double value)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            sb.Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        Metric("ifm_loop_rate_target_hertz", "gauge", "Configured loop rate", rateHz);
        foreach (LoopCounters.Row row in LoopCounters.Rows) Metric(row.Prometheus, row.Type, row.Help, row.PrometheusValue(st));
        return sb.ToString();
    }

    public void Dispose() => _http.Dispose();
}
