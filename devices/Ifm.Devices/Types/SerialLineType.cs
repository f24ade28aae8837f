using System.Globalization;
using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>serial_line</c>: a UART device printing lines of numbers (an Arduino, a GPS's numeric sentences).</summary>
internal static class SerialLineType
{
    public const int DefaultBaudRate = 115200, DefaultMaxLineLength = 256;
    public const string DefaultSeparators = ", \t;";

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.SerialLine,
        Role = DeviceRole.Sensor,
        Summary = "UART device printing `fields` numbers per line; background reader, never blocks the loop",
        ChannelsOf = d => [.. Enumerable.Range(0, Math.Clamp(d.Fields ?? 0, 0, 64)).Select(i => $"field{i}")],
        ChannelsHelp = "field0..field{fields−1}",
        Fields =
        [
            new("port", "string", "", "serial device, e.g. /dev/ttyACM0"),
            new("baudRate", "int", "115200", "50..4000000"),
            new("fields", "int", "", "numbers per line, 1..64"),
            new("maxLineLength", "int", "256", "longer lines are counted and skipped, 2..65536"),
            new("separators", "string", "\", \\t;\"", "characters between numbers"),
        ],
        Validate = c =>
        {
            DeviceSpec d = c.Spec;
            if (string.IsNullOrWhiteSpace(d.Port))
            {
                c.Add("port", "required for serial_line (e.g. /dev/ttyUSB0)");
            }

            c.Range(d.BaudRate, "baudRate", 50, 4_000_000);
            if (d.Fields is null || d.Fields is < 1 or > 64)
            {
                c.Add("fields", $"required, 1..64 numeric fields per line, got {d.Fields?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}");
            }

            c.Range(d.MaxLineLength, "maxLineLength", 2, 65536);
            if (d.Separators is { } sep && (sep.Length == 0 || sep.Any(ch => ch > 127 || char.IsAsciiDigit(ch) || ch is '\n' or '\r' or '-' or '+' or '.' or 'e' or 'E')))
            {
                c.Add("separators", $"must be non-empty ASCII characters that cannot appear in a number, got \"{sep}\"");
            }
        },
        CreateSensor = c => new SerialLineSensor(c.Name, c.Hardware.OpenSerial(c.Spec.Port!, c.Spec.BaudRate ?? DefaultBaudRate), c.Spec.Fields!.Value,
            c.Spec.MaxLineLength ?? DefaultMaxLineLength, c.Spec.Separators ?? DefaultSeparators, ownsStream: false),
        Simulate = (c, hw) =>
        {
            string sep = (c.Spec.Separators ?? DefaultSeparators)[..1];
            hw.AttachSerial(c.Spec.Port!, new SimulatedLineDevice(c.Spec.Fields!.Value, sep, linesPerSecond: Math.Min(200, 1.0 / c.PeriodSeconds)));
        },
        Example = """{ "name": "arduino", "type": "serial_line", "port": "/dev/ttyACM0", "fields": 2, "rateHz": 20, "channels": [ { "channel": "field1", "neurons": ["load"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1023 } } ] }""",
        Simulator = "a device printing `fields` slowly varying numbers per line at the device's rate (wall clock), on a stream in place of the port",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}
