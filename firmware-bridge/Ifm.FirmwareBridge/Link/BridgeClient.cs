using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Ports;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Link;

/// <summary>
/// The host end of the link to one MCU: a receive thread (parse, dispatch, reopen the port when it is gone) and a
/// service thread (HELLO, heartbeats, commands, retransmissions, link timeout). The control loop only copies values
/// in and out under short locks: it never waits for the serial line and never allocates.
/// </summary>
/// <remarks>
/// <para>Files: this one holds the lifecycle and the link state; <c>.Receive</c> the receive thread (parsing,
/// HELLO, sensor samples, ACKs); <c>.Service</c> the service thread (HELLO requests, heartbeats, link timeout, the
/// acknowledged ACTUATE and CONFIG commands, each a <see cref="ReliableCommand"/>); <c>.Actuators</c> the commands and
/// safe values the control loop sets.</para>
/// <para>Three locks, each guarding one group of fields; no thread ever holds two of them at once, so they cannot
/// deadlock, and none is held across a blocking call other than the frame write under <see cref="_txLock"/>:</para>
/// <list type="bullet">
/// <item><see cref="_linkLock"/>: the open stream and the link state (<see cref="_stream"/>, <see cref="_state"/>,
/// <see cref="_everUp"/>). Taken by the receive thread (open, HELLO, loss) and the service thread (timeout, loss).
/// Both fields are also read without it (volatile): a stale read at worst writes to a stream that has just failed.</item>
/// <item><see cref="_txLock"/>: everything on the way out: the frame buffer and the sequence counter, the commands
/// awaiting an ACK (ACTUATE, the CONFIG queue), the heartbeat awaiting its echo and the round-trip samples. Taken
/// by the service thread (sending), the receive thread (ACKs, echoes) and <see cref="Ping"/>.</item>
/// <item><see cref="_valuesLock"/>: the values exchanged with the control loop: the newest sensor sample and the
/// actuator commands and safe values. Taken for a copy by the loop's thread, the receive thread (samples) and the
/// service thread (building an ACTUATE).</item>
/// </list>
/// </remarks>
public sealed partial class BridgeClient : IDisposable
{
    private const int ServiceTickMs = 5;

    private readonly Func<Stream> _open;
    private readonly BridgeOptions _options;
    private readonly long _linkTimeoutTicks;
    private readonly long _heartbeatTicks;
    private readonly long _helloTicks;

    private readonly FrameParser _parser = new();
    private SequenceTracker _rxSequence;
    private readonly byte[] _rxBuffer = new byte[1024];

    private readonly object _txLock = new();
    private readonly byte[] _tx = new byte[ProtocolConstants.MaxWire];
    private ushort _txSeq = 1;

    private readonly object _linkLock = new();
    private Stream? _stream;
    private volatile LinkState _state = LinkState.Disconnected;
    private DeviceCapabilities? _capabilities;
    private bool _everUp;
    private long _lastRxTicks;
    private long _lastHelloTicks;
    private volatile bool _helloWanted;
    private volatile string? _lastError;

    private readonly AutoResetEvent _wake = new(false);
    private Thread? _rxThread;
    private Thread? _serviceThread;
    private volatile bool _disposed;

    /// <summary>Creates a client over streams from <paramref name="open"/>, which is called again after every loss of the port.</summary>
    /// <param name="open">Opens the transport; may throw while the device is absent (the client retries).</param>
    /// <param name="options">Link timing.</param>
    /// <param name="portName">Name for messages and the metrics' port tag.</param>
    public BridgeClient(Func<Stream> open, BridgeOptions? options = null, string portName = "stream")
    {
        ArgumentNullException.ThrowIfNull(open);
        _open = open;
        _options = options ?? new BridgeOptions();
        _options.Validate();
        PortName = portName;
        Counters = new BridgeCounters(portName);
        _linkTimeoutTicks = MsToTicks(_options.LinkTimeoutMs);
        _heartbeatTicks = MsToTicks(_options.HeartbeatIntervalMs);
        long retransmitTicks = MsToTicks(_options.RetransmitTimeoutMs);
        _actuate = new ReliableCommand(retransmitTicks, ReliableCommand.Unlimited);
        _configCmd = new ReliableCommand(retransmitTicks, _options.MaxConfigRetries);
        _helloTicks = MsToTicks(_options.HelloIntervalMs);
    }

    /// <summary>Creates a client for a serial device path (a tty, USB CDC device, or one end of a socat pty pair).</summary>
    /// <remarks>On Linux the device is driven through libc (no allocation per read) unless
    /// <see cref="BridgeOptions.UseSystemIOPorts"/> is set; elsewhere through System.IO.Ports. Only a character
    /// device is ever opened (<see cref="SerialDevice"/>): a regular file is refused at every attempt.</remarks>
    public static BridgeClient ForSerialPort(string portPath, BridgeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(portPath);
        var o = options ?? new BridgeOptions();
        int baud = o.BaudRate;
        if (OperatingSystem.IsLinux() && !o.UseSystemIOPorts)
        {
            return new BridgeClient(() => PosixTtyStream.Open(portPath, baud), o, portPath);
        }

        return new BridgeClient(() => OpenSerial(portPath, baud), o, portPath);
    }

    /// <summary>Raised (on a bridge thread) when a working link is lost; actuators are already in their safe state.</summary>
    public event EventHandler<LinkEventArgs>? LinkLost;

    /// <summary>Raised (on a bridge thread) when the MCU answers HELLO after a connect or a loss.</summary>
    public event EventHandler<LinkEventArgs>? LinkUp;

    /// <summary>Raised (on a bridge thread) when the MCU announces a new boot id while the link is up.</summary>
    public event EventHandler<LinkEventArgs>? PeerRestarted;

    public string PortName { get; }

    public BridgeOptions Options => _options;

    public BridgeCounters Counters { get; }

    public LinkState State => _state;

    /// <summary>The MCU's last HELLO, or <see langword="null"/> before the first one.</summary>
    public DeviceCapabilities? Capabilities => Volatile.Read(ref _capabilities);

    /// <summary>The last problem seen (open failure, read error, NAK, malformed HELLO), for diagnostics.</summary>
    public string? LastError => _lastError;

    /// <summary>Starts the bridge threads. The port is opened (and reopened) in the background.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_rxThread is not null)
        {
            return;
        }

        _rxThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "ifm-bridge-rx" };
        _serviceThread = new Thread(ServiceLoop) { IsBackground = true, Name = "ifm-bridge-service" };
        _rxThread.Start();
        _serviceThread.Start();
    }

    /// <summary>Blocks until the link is up or <paramref name="timeout"/> passes.</summary>
    public bool WaitForLink(TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (_state != LinkState.Up)
        {
            if (_disposed || Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Best effort: leave the MCU's actuators safe before closing (it would also do so by itself).
        if (_state == LinkState.Up)
        {
            EnterSafeStateAll();
            try
            {
                SendActuateNow();
            }
            catch (Exception e) when (IsTransportError(e))
            {
            }
        }

        _disposed = true;
        Stream? s;
        lock (_linkLock)
        {
            s = _stream;
            _stream = null;
            _state = LinkState.Disconnected;
        }

        CloseQuietly(s);
        _wake.Set();
        _rxThread?.Join(2000);
        _serviceThread?.Join(2000);
        _wake.Dispose();
        Counters.Dispose();
    }

    internal static long MsToTicks(double ms) => (long)(ms * Stopwatch.Frequency / 1000.0);

    private static Stream OpenSerial(string path, int baud)
    {
        SerialDevice.EnsureCharacterDevice(path);
        var port = new SerialPort(path, baud, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = 500,
            DtrEnable = false, // many Arduinos reset on DTR; the protocol needs no reset
            RtsEnable = false,
        };
        try
        {
            port.Open();
            return port.BaseStream;
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    private static bool IsTransportError(Exception e) =>
        e is IOException or ObjectDisposedException or UnauthorizedAccessException or InvalidOperationException
            or TimeoutException or OperationCanceledException or NotSupportedException;

    private static void CloseQuietly(Stream? s)
    {
        try
        {
            s?.Dispose();
        }
        catch (Exception e) when (IsTransportError(e))
        {
        }
    }

    private void Raise(EventHandler<LinkEventArgs>? handler, LinkState state, string reason)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, new LinkEventArgs(state, reason));
        }
#pragma warning disable CA1031 // a subscriber's bug must not kill the bridge threads
        catch (Exception e)
#pragma warning restore CA1031
        {
            _lastError = $"link event handler failed: {e.Message}";
        }
    }
}
