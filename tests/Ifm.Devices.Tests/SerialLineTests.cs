using System.Diagnostics;
using System.IO.Ports;
using System.Text;
using Ifm.Devices.Drivers;

namespace Ifm.Devices.Tests;

public class LineFieldParserTests
{
    private static int Feed(LineFieldParser p, string text)
    {
        int good = 0;
        foreach (byte b in Encoding.ASCII.GetBytes(text))
        {
            good += p.Push(b) ? 1 : 0;
        }

        return good;
    }

    [Fact]
    public void Good_bad_overlong_and_empty_lines()
    {
        var p = new LineFieldParser(3, maxLineLength: 16);
        Assert.Equal(1, Feed(p, "1.5,2,-3e1\n"));
        Assert.Equal(new[] { 1.5f, 2f, -30f }, p.Values.ToArray());
        Assert.Equal(0, Feed(p, "1,x,3\n1,2\n1,2,3,4\nnan,1,2\n"));
        Assert.Equal(4, p.BadLines);
        Assert.Equal(0, Feed(p, "\n\r\n , \n"));
        Assert.Equal(4, p.BadLines); // empty lines are ignored
        Assert.Equal(0, Feed(p, "1111111111,2222222222,3\n"));
        Assert.Equal(1, p.OverlongLines);
        Assert.Equal(1, Feed(p, "  4 \t 5;6\r\n"));
        Assert.Equal(new[] { 4f, 5f, 6f }, p.Values.ToArray());
        Assert.Equal(2, p.GoodLines);
    }

    [Fact]
    public void Parsing_allocates_nothing_per_line()
    {
        var p = new LineFieldParser(3);
        byte[] line = Encoding.ASCII.GetBytes("12.25,-3,0.5\n");
        byte[] bad = Encoding.ASCII.GetBytes("12.25,abc,0.5\n");
        void Run(int n)
        {
            for (int i = 0; i < n; i++)
            {
                foreach (byte b in line)
                {
                    p.Push(b);
                }

                foreach (byte b in bad)
                {
                    p.Push(b);
                }
            }
        }

        Run(100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(10_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_100, p.GoodLines);
    }
}

/// <summary>A linked pty pair made by socat; the process is killed on dispose.</summary>
internal sealed class SocatPair : IDisposable
{
    private readonly Process _process;

    public SocatPair()
    {
        Dir = Path.Combine(Path.GetTempPath(), "ifm-socat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
        A = Path.Combine(Dir, "ttyA");
        B = Path.Combine(Dir, "ttyB");
        var psi = new ProcessStartInfo("socat", ["-d", "-d", $"pty,raw,echo=0,link={A}", $"pty,raw,echo=0,link={B}"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("socat did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (!(File.Exists(A) && File.Exists(B)))
        {
            if (_process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(20))
            {
                Dispose();
                throw new InvalidOperationException("socat did not create the pty pair (is socat installed?)");
            }

            Thread.Sleep(10);
        }
    }

    public string Dir { get; }
    public string A { get; }
    public string B { get; }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }
}

public class SerialLineSensorTests
{
    private static void WaitFor(Func<bool> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            Thread.Sleep(5);
        }
    }

    [Fact]
    public void Reads_good_lines_and_skips_bad_and_overlong_ones_over_a_real_pty()
    {
        using var pair = new SocatPair();
        using var port = new SerialPort(pair.A, 115200) { ReadTimeout = 200 };
        port.Open();
        using var writer = new SerialPort(pair.B, 115200) { WriteTimeout = 2000 };
        writer.Open();
        using var sensor = new SerialLineSensor("arduino", port.BaseStream, fieldCount: 3, maxLineLength: 32, ownsStream: false);
        Span<float> v = stackalloc float[3];

        Assert.False(sensor.Read(v)); // nothing yet
        writer.Write("1.5,2,-3\n");
        WaitFor(() => sensor.GoodLines == 1, "the first good line");
        Assert.True(sensor.Read(v));
        Assert.Equal(new[] { 1.5f, 2f, -3f }, v.ToArray());
        Assert.False(sensor.Read(v)); // no new line: not fresh

        writer.Write("1,x,3\n1,2\n" + new string('7', 100) + ",1,2\n4 5 6\r\n");
        WaitFor(() => sensor.GoodLines == 2, "the second good line");
        Assert.Equal(2, sensor.BadLines);
        Assert.Equal(1, sensor.OverlongLines);
        Assert.True(sensor.Read(v));
        Assert.Equal(new[] { 4f, 5f, 6f }, v.ToArray());
    }

    [Fact]
    public void Losing_the_port_becomes_an_io_error_naming_the_device()
    {
        var pair = new SocatPair();
        try
        {
            var port = new SerialPort(pair.A, 9600) { ReadTimeout = 200 };
            port.Open();
            using var sensor = new SerialLineSensor("gps", port.BaseStream, fieldCount: 2);
            Span<float> v = stackalloc float[2];
            Assert.False(sensor.Read(v));
            pair.Kill();
            var sw = Stopwatch.StartNew();
            IOException? error = null;
            while (error is null && sw.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    sensor.Read(v);
                    Thread.Sleep(10);
                }
                catch (IOException ex)
                {
                    error = ex;
                }
            }

            Assert.NotNull(error);
            Assert.Contains("gps", error!.Message);
        }
        finally
        {
            pair.Dispose();
        }
    }
}
