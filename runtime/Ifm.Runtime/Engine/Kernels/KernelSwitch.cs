namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// A compile-time switch for kernels: generic methods instantiated over a struct type argument are compiled once per
/// argument, so <c>if (TSwitch.On)</c> in a loop costs nothing and the dead branch disappears from the machine code.
/// </summary>
internal interface IKernelSwitch
{
    static abstract bool On { get; }
}

internal readonly struct SwitchOn : IKernelSwitch
{
    public static bool On => true;
}

internal readonly struct SwitchOff : IKernelSwitch
{
    public static bool On => false;
}
