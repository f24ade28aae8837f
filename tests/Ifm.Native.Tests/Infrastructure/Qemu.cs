namespace Ifm.Native.Tests.Infrastructure;

/// <summary>Runs linux-arm64 programs under qemu-user with the cross toolchain's libraries.</summary>
internal static class Qemu
{
    public static Proc.Result Run(string program, IEnumerable<string> args, string? libDir = null, int timeoutSeconds = 600)
    {
        string qemu = Proc.Require("qemu-aarch64-static");
        var env = new Dictionary<string, string>();
        if (libDir is not null) env["LD_LIBRARY_PATH"] = libDir;
        return Proc.Run(qemu, ["-L", "/usr/aarch64-linux-gnu", program, .. args], env, timeoutSeconds: timeoutSeconds);
    }
}
