using System.Buffers.Binary;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>How a <see cref="ScriptedMcu"/> answers ACTUATE.</summary>
public enum ActuateReply
{
    Ack,
    Nak,
    Silence,
}

/// <summary>
/// A hostile or broken MCU for the host's tests: it speaks the real framing (the C# codec) over a stream, answers
/// HELLO requests with the HELLO payload it is given (which may be invalid), echoes heartbeats, acknowledges CONFIG,
/// answers ACTUATE as told, and records every ACTUATE value it received.
/// </summary>
internal sealed class ScriptedMcu : IDisposable
{
    private readonly Stream _stream;
    private readonly Thread _thread;
    private readonly List<(int Channel, float Value)> _actuated = [];
    private readonly byte[] _hello;
    private readonly ActuateReply _reply;
    private ushort _seq = 1;
    private volatile bool _stop;

    public ScriptedMcu(Stream stream, byte[] helloPayload, ActuateReply reply = ActuateReply.Ack)
    {
        _stream = stream;
        _hello = helloPayload;
        _reply = reply;
        _thread = new Thread(Run) { IsBackground = true, Name = "scripted-mcu" };
        _thread.Start();
    }

    /// <summary>A HELLO payload: firmware 1.0.0, the given sensors (kind, min, max) and actuators (kind, min, max, safe).</summary>
    public static byte[] Hello((byte Kind, float Min, float Max)[] sensors, (byte Kind, float Min, float Max, float Safe)[] actuators)
    {
        var p = new byte[9 + 9 * sensors.Length + 13 * actuators.Length];
        p[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(3), 0xB007_0001);
        p[7] = (byte)sensors.Length;
        p[8] = (byte)actuators.Length;
        int at = 9;
        foreach (var s in sensors)
        {
            p[at] = s.Kind;
            BinaryPrimitives.WriteSingleLittleEndian(p.AsSpan(at + 1), s.Min);
            BinaryPrimitives.WriteSingleLittleEndian(p.AsSpan(at + 5), s.Max);
            at += 9;
        }

        foreach (var a in actuators)
        {
            p[at] = a.Kind;
            BinaryPrimitives.WriteSingleLittleEndian(p.AsSpan(at + 1), a.Min);
            BinaryPrimitives.WriteSingleLittleEndian(p.AsSpan(at + 5), a.Max);
            BinaryPrimitives.WriteSingleLittleEndian(p.AsSpan(at + 9), a.Safe);
            at += 13;
        }

        return p;
    }

    /// <summary>A valid HELLO: one position sensor 0..1, one velocity actuator -1..1 with safe value 0.</summary>
    public static byte[] ValidHello() => Hello([(2, 0f, 1f)], [(3, -1f, 1f, 0f)]);

    public (int Channel, float Value)[] Actuated
    {
        get
        {
            lock (_actuated)
            {
                return [.. _actuated];
            }
        }
    }

    public int HelloRequests { get; private set; }

    public void Dispose()
    {
        _stop = true;
        _stream.Dispose();
        _thread.Join(2000);
    }

    private void Run()
    {
        var parser = new FrameParser();
        byte[] buf = new byte[512];
        try
        {
            while (!_stop)
            {
                int n = _stream.Read(buf, 0, buf.Length);
                if (n <= 0)
                {
                    return;
                }

                for (int i = 0; i < n; i++)
                {
                    if (parser.Push(buf[i]) == ParseResult.Frame)
                    {
                        Handle(parser);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    private void Handle(FrameParser f)
    {
        ReadOnlySpan<byte> p = f.Payload;
        switch (f.Type)
        {
            case MessageType.Hello:
                HelloRequests++;
                Send(MessageType.Hello, 0, _hello);
                break;
            case MessageType.Heartbeat:
                Send(MessageType.Heartbeat, f.Sequence, [0, 0, 0, 0, 0]);
                break;
            case MessageType.Config:
                Send(MessageType.Ack, f.Sequence, []);
                break;
            case MessageType.Actuate:
                lock (_actuated)
                {
                    for (int i = 0; i < p[0]; i++)
                    {
                        _actuated.Add((p[1 + 5 * i], BinaryPrimitives.ReadSingleLittleEndian(p[(2 + 5 * i)..])));
                    }
                }

                if (_reply == ActuateReply.Ack)
                {
                    Send(MessageType.Ack, f.Sequence, []);
                }
                else if (_reply == ActuateReply.Nak)
                {
                    Send(MessageType.Nak, f.Sequence, [(byte)NakReason.BadValue]);
                }

                break;
            default:
                break;
        }
    }

    private void Send(MessageType type, ushort ack, ReadOnlySpan<byte> payload)
    {
        byte[] wire = new byte[ProtocolConstants.MaxWire];
        int n = FrameCodec.Encode(type, _seq, ack, payload, wire);
        _seq = ProtocolConstants.NextSequence(_seq);
        _stream.Write(wire, 0, n);
    }
}
