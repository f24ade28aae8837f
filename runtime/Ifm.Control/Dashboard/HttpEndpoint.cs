using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ifm.Control.Dashboard;

/// <summary>One parsed HTTP/1.1 request (request line and headers; bodies are not read).</summary>
public sealed record HttpRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, IPEndPoint Remote)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    public string? QueryValue(string name)
    {
        foreach (string part in Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq] == name) return Uri.UnescapeDataString(part[(eq + 1)..]);
        }

        return null;
    }
}

/// <summary>
/// A minimal HTTP/1.1 server on a <see cref="TcpListener"/> (no HttpListener, no ASP.NET: small and NativeAOT-clean)
/// for the dashboard and the metrics endpoint. One thread per connection, at most <see cref="MaxClients"/>; every
/// socket has send/receive timeouts, so a stalled client costs one thread of this server and never the loop.
/// </summary>
public sealed class HttpEndpoint : IDisposable
{
    public const int MaxClients = 16;
    private readonly TcpListener _listener;
    private readonly Func<HttpRequest, NetworkStream, bool> _handler;
    private readonly Thread _accept;
    private readonly CancellationTokenSource _stop = new();
    private int _clients;

    /// <param name="handler">Answers one request on the stream; returns false to close the connection.</param>
    public HttpEndpoint(IPEndPoint bind, Func<HttpRequest, NetworkStream, bool> handler, string name)
    {
        _handler = handler;
        _listener = new TcpListener(bind);
        try
        {
            _listener.Start();
        }
        catch (SocketException e)
        {
            // A port in use or an address not on this machine is a configuration problem, not a bug.
            throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"{name}: cannot listen on {bind}: {e.Message}");
        }

        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accept = new Thread(AcceptLoop) { Name = name, IsBackground = true };
        _accept.Start();
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>Parses "host:port" (IPv4, [IPv6] or localhost); throws ArgumentException naming the option.</summary>
    public static IPEndPoint Parse(string text, string option)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new ArgumentException($"{option}: '{text}' is not HOST:PORT (e.g. 127.0.0.1:8080)");
        }

        string host = text[..colon].Trim('[', ']');
        IPAddress address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out IPAddress? a) ? a
            : throw new ArgumentException($"{option}: '{host}' is not an IP address");
        return new IPEndPoint(address, port);
    }

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket s;
            try
            {
                s = _listener.AcceptSocket();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (Interlocked.Increment(ref _clients) > MaxClients)
            {
                Interlocked.Decrement(ref _clients);
                s.Dispose();
                continue;
            }

            s.SendTimeout = 2000;
            s.ReceiveTimeout = 5000;
            s.NoDelay = true;
            new Thread(() => Serve(s)) { Name = "ifm-http-client", IsBackground = true }.Start();
        }
    }

    private void Serve(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            while (!_stop.IsCancellationRequested)
            {
                HttpRequest? req = ReadRequest(stream, (IPEndPoint)socket.RemoteEndPoint!);
                if (req is null || !_handler(req, stream)) break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // A client that went away or stalled past the timeouts: drop it.
        }
        catch (Exception e)
        {
            // A fault in serving one client must not end the process that runs the control loop: say so, drop the client.
            Console.Error.WriteLine($"ifm: http endpoint: dropped a client after an internal error ({e.GetType().Name}): {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _clients);
        }
    }

    private static HttpRequest? ReadRequest(NetworkStream stream, IPEndPoint remote)
    {
        var buf = new byte[8192];
        int n = 0;
        while (true)
        {
            if (n == buf.Length) return null; // headers over 8 KB: not ours
            int r = stream.Read(buf, n, buf.Length - n);
            if (r <= 0) return null;
            n += r;
            int end = buf.AsSpan(0, n).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                string[] lines = Encoding.ASCII.GetString(buf, 0, end).Split("\r\n");
                string[] first = lines[0].Split(' ');
                if (first.Length != 3) return null;
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (string l in lines.Skip(1))
                {
                    int c = l.IndexOf(':', StringComparison.Ordinal);
                    if (c > 0) headers[l[..c].Trim()] = l[(c + 1)..].Trim();
                }

                string target = first[1];
                int q = target.IndexOf('?', StringComparison.Ordinal);
                return new HttpRequest(first[0], q < 0 ? target : target[..q], q < 0 ? "" : target[q..], headers, remote);
            }
        }
    }

    /// <summary>Writes a complete response with Content-Length.</summary>
    public static void Respond(Stream s, int status, string contentType, ReadOnlySpan<byte> body, string? extraHeaders = null)
    {
        string head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n" +
            "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n" + (extraHeaders ?? "") + "\r\n";
        s.Write(Encoding.ASCII.GetBytes(head));
        s.Write(body);
        s.Flush();
    }

    public static void Respond(Stream s, int status, string contentType, string body) => Respond(s, status, contentType, Encoding.UTF8.GetBytes(body));

    private static string Reason(int status) => status switch
    {
        200 => "OK", 204 => "No Content", 400 => "Bad Request", 403 => "Forbidden", 404 => "Not Found", 405 => "Method Not Allowed",
        409 => "Conflict", _ => "Status",
    };

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _accept.Join(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }
}
