using System.CommandLine;
using Ifm.Runtime.OpenCL.Interop;
using Ifm.Runtime.OpenCL.Selection;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm devices</c>: the OpenCL platforms and devices the OpenCL backend can use.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var cmd = new Command("devices", "List OpenCL platforms and devices (for --backend opencl and --opencl-device).");
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
}
