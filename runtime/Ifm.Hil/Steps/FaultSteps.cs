using System.Globalization;
using System.Runtime.CompilerServices;
using Ifm.Hil.Running;

namespace Ifm.Hil.Steps;

/// <summary><c>device_fail</c>: the next access of a device (an actuator's write, a sensor's read) fails as a broken bus would.</summary>
internal sealed class DeviceFailStep : ScenarioStep
{
    public string Device { get; init; } = "";

    public override StepThread Thread => StepThread.Loop;

    public override string Describe() => $"device_fail {Device}";

    public override void Bind(BindContext context, List<string> errors)
    {
        if (!context.HasDevice(Device)) errors.Add($"{Path}.device: '{Device}' is not a device of the map; devices: {string.Join(", ", context.Devices.Counters.Select(c => c.Name))}");
    }

    public override void Start(LoopContext context) => context.Devices.InjectFault(Device);

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "device_fail",
        Summary = "an actuator's write or a sensor's read fails (bus failure): the loop faults and drives the actuators safe",
        Fields = ["device: the device's name in the map"],
        Read = (f, _) => new DeviceFailStep { Device = f.String("device", required: true) ?? "" },
    });
}

/// <summary><c>stall</c>: the loop thread blocks for <c>ms</c> inside the period (an overrun injection).</summary>
internal sealed class StallStep : ScenarioStep
{
    public int Milliseconds { get; init; }

    public override StepThread Thread => StepThread.Loop;

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"stall the loop {Milliseconds} ms");

    public override void Start(LoopContext context) => System.Threading.Thread.Sleep(Milliseconds);

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "stall",
        Summary = "the loop blocks inside the period for ms milliseconds (deadline overrun; the overrun policy decides what follows)",
        Fields = ["ms: milliseconds, 1..10000"],
        Read = (f, _) => new StallStep { Milliseconds = (int)(f.Integer("ms", required: true, min: 1, max: 10_000) ?? 1) },
    });
}

/// <summary><c>sigterm</c>: SIGTERM to the runtime (this process): an orderly stop, actuators safe, learned state saved.</summary>
internal sealed class SigtermStep : ScenarioStep
{
    public override StepThread Thread => StepThread.Runner;

    public override string Describe() => "SIGTERM to the runtime";

    public override string Fire(RunnerContext context)
    {
        context.SendSigterm();
        return "sent";
    }

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "sigterm",
        Summary = "SIGTERM to the runtime: it stops in order (actuators safe, state saved); the run ends",
        Read = (_, _) => new SigtermStep(),
    });
}

/// <summary><c>restart</c>: the runtime stops (saving its learned state) and starts again from that checkpoint.</summary>
internal sealed class RestartStep : ScenarioStep
{
    public override StepThread Thread => StepThread.Runner;

    public override string Describe() => "restart the runtime from its checkpoint";

    public override string Fire(RunnerContext context)
    {
        context.Restart();
        return "stopping to restart";
    }

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "restart",
        Summary = "save the learned state, stop the runtime and start it again from the checkpoint (restored_state checks it)",
        Read = (_, _) => new RestartStep(),
    });
}

/// <summary><c>link_pull</c> / <c>link_restore</c>: the serial link to the virtual MCU goes silent / comes back.</summary>
internal sealed class LinkStep : ScenarioStep
{
    public bool Pull { get; init; }

    public override StepThread Thread => StepThread.Runner;

    public override IReadOnlyList<string> Targets => HilTargets.McuOnly;

    public override string Describe() => Pull ? "pull the serial link" : "restore the serial link";

    public override string Fire(RunnerContext context)
    {
        context.Relay!.Connected = !Pull;
        return Pull ? "link silent both ways" : "link relaying again";
    }

    [ModuleInitializer]
    internal static void Register()
    {
        StepKinds.Register(new StepKind
        {
            Name = "link_pull",
            Summary = "the serial link to the MCU goes silent both ways (a pulled cable; virtual-mcu target)",
            Read = (_, _) => new LinkStep { Pull = true },
        });
        StepKinds.Register(new StepKind
        {
            Name = "link_restore",
            Summary = "the pulled link carries bytes again (virtual-mcu target)",
            Read = (_, _) => new LinkStep { Pull = false },
        });
    }
}

/// <summary><c>mcu_reset</c>: the virtual MCU reboots (new boot id, plant reset, actuators safe until the host is back).</summary>
internal sealed class McuResetStep : ScenarioStep
{
    public override StepThread Thread => StepThread.Runner;

    public override IReadOnlyList<string> Targets => HilTargets.McuOnly;

    public override string Describe() => "reset the MCU";

    public override string Fire(RunnerContext context)
    {
        context.Mcu!.Reset();
        return "SIGUSR1 (reboot) sent to the virtual MCU";
    }

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "mcu_reset",
        Summary = "the MCU reboots mid-run (virtual-mcu target)",
        Read = (_, _) => new McuResetStep(),
    });
}
