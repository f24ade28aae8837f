using System.Globalization;
using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>serial_line</c>: a UART device printing lines of numbers (an Arduino, a GPS's numeric sentences).</summary>
internal static class SerialLineType
{
    private static readonly StringField Port = new("port", null, "serial device, e.g. /dev/ttyACM0") { Required = true };
    private static readonly IntField BaudRate = new("baudRate", 115200, "50..4000000") { Min = 50, Max = 4_000_000 };
    private static readonly IntField FieldCount = new("fields", null, "numbers per line, 1..64");
    private static readonly IntField MaxLineLength = new("maxLineLength", 256, "longer lines are counted and skipped, 2..65536") { Min = 2, Max = 65536 };
    private static readonly StringField Separators = new("separators", ", \t;", "characters between numbers");

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.SerialLine,
        Role = DeviceRole.Sensor,
        Summary = "UART device printing `fields` numbers per line; background reader, never blocks the loop",
        ChannelsOf = d => [.. Enumerable.Range(0, Math.Clamp(d.Fields ?? 0, 0, 64)).Select(i => $"field{i}")],
        ChannelsHelp = "field0..field{fields−1}",
        Fields = [Port, BaudRate, FieldCount, MaxLineLength, Separators],
        Validate = c =>
        {
            DeviceSpec d = c.Spec;
            if (d.Fields is null || d.Fields is < 1 or > 64)
            {
                c.Add("fields", $"required, 1..64 numeric fields per line, got {d.Fields?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
            }

            if (d.Separators is { } sep && (sep.Length == 0 || sep.Any(ch => ch > 127 || char.IsAsciiDigit(ch) || ch is '\n' or '\r' or '-' or '+' or '.' or 'e' or 'E')))
            {
                c.Add("separators", $"must be non-empty ASCII characters that cannot appear in a number, got \"{sep}\"");
            }
        },
        CreateSensor = c => new SerialLineSensor(c.Name, c.Hardware.OpenSerial(c.Get(Port), c.Get(BaudRate)), c.Get(FieldCount), c.Get(MaxLineLength),
            c.Get(Separators), ownsStream: false),
        Simulate = (c, hw) => hw.AttachSerial(c.Get(Port), new SimulatedLineDevice(c.Get(FieldCount), c.Get(Separators)[..1],
            linesPerSecond: Math.Min(200, 1.0 / c.PeriodSeconds))),
        Example = """{ "name": "arduino", "type": "serial_line", "port": "/dev/ttyACM0", "fields": 2, "rateHz": 20, "channels": [ { "channel": "field1", "neurons": ["load"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1023 } } ] }""",
        Simulator = "a device printing `fields` slowly varying numbers per line at the device's rate (wall clock), on a stream in place of the port",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}
