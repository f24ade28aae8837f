using System.CommandLine;
using Ifm.Devices.Mapping;
using Ifm.FirmwareBridge.Devices;
using Ifm.Runtime.OpenCL.Interop;
using Ifm.Runtime.OpenCL.Selection;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm devices</c>: the OpenCL platforms and devices the OpenCL backend can use; <c>ifm devices list</c>: the
/// device-map types (the registry): role, channels, fields with defaults, simulator.
/// </summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var cmd = new Command("devices", "List OpenCL platforms and devices (for --backend opencl and --opencl-device); `devices list`: the device-map types.");
        var list = new Command("list", "List the device types a device map may name: sensor or actuator, channels, fields (default), simulator.");
        var type = new Argument<string?>("type") { Description = "Show only this type.", Arity = ArgumentArity.ZeroOrOne };
        list.Arguments.Add(type);
        list.SetAction(r => ListTypes(r.GetValue(type)));
        cmd.Subcommands.Add(list);
        cmd.SetAction(_ =>
        {
            IReadOnlyList<OpenClDevice> devices;
            try
            {
                devices = OpenClDevices.List();
            }
            catch (OpenClException e)
            {
                Console.WriteLine($"no OpenCL devices: {e.Message}");
                return 0;
            }

            if (devices.Count == 0)
            {
                Console.WriteLine("no OpenCL devices: the OpenCL loader found no platform (no driver installed; see runtime/Ifm.Runtime.OpenCL/README.md)");
                return 0;
            }

            string? platform = null;
            foreach (var d in devices)
            {
                if (d.PlatformName != platform)
                {
                    platform = d.PlatformName;
                    Console.WriteLine($"platform {d.Platform}: {platform}");
                }

                Console.WriteLine($"  {d}");
            }

            return 0;
        });
        return cmd;
    }

    private static int ListTypes(string? only)
    {
        BridgeDeviceTypes.Register();
        Ifm.Devices.Catalog.CatalogTypes.Register();
        IReadOnlyList<DeviceType> types = DeviceTypes.Registered;
        if (only is not null)
        {
            if (DeviceTypes.Find(only) is not { } t)
            {
                throw new CliException($"unknown device type '{only}'; the registered types are {string.Join(", ", DeviceTypes.All)}");
            }

            types = [t];
        }

        foreach (DeviceType t in types)
        {
            Console.WriteLine($"{t.Name} ({(t.IsActuator ? "actuator" : "sensor")}): {t.Summary}");
            Console.WriteLine($"  channels: {t.ChannelsHelp ?? string.Join(", ", t.Channels)}");
            foreach (DeviceField f in t.Fields)
            {
                string value = f.Default.Length == 0 ? "required" : $"default {f.Default}";
                Console.WriteLine($"  {f.Name} ({f.Kind}, {value}): {f.Help}");
            }

            Console.WriteLine($"  simulator: {(t.Simulate is null ? "none" : t.Simulator)}");
        }

        Console.WriteLine($"every device also takes: {string.Join(", ", DeviceTypes.CommonFields.Select(f => f.Name))}");
        if (only is null)
        {
            foreach (BoardType b in BoardTypes.Registered)
            {
                Console.WriteLine($"board {b.Name}: {b.Summary}");
                foreach (DeviceField f in b.Fields)
                {
                    Console.WriteLine($"  {f.Name} ({f.Kind}, {(f.Default.Length == 0 ? "required" : $"default {f.Default}")}): {f.Help}");
                }

                Console.WriteLine($"  simulator: {b.Simulator}");
            }
        }
        return 0;
    }
}
