using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Registers the catalog's device and board types (the module initializers do it when the assembly loads; call
/// this where the assembly might not have been touched yet, e.g. before parsing a map in a host).
/// </summary>
public static class CatalogTypes
{
    public static void Register()
    {
        DeviceTypes.Register(Ads1115Type.Descriptor);
        DeviceTypes.Register(Bme280Type.Descriptor);
        DeviceTypes.Register(Bno055Type.Descriptor);
        DeviceTypes.Register(Ina219Type.Descriptor);
        DeviceTypes.Register(Mcp3008Type.Descriptor);
        DeviceTypes.Register(ButtonType.Descriptor);
        DeviceTypes.Register(StepperType.Descriptor);
        DeviceTypes.Register(Hx711Type.Descriptor);
        DeviceTypes.Register(Vl53l1xType.Descriptor);
        Pca9685Board.Register();
        Mcp23017Board.Register();
        Pcf8574Board.Register();
    }
}
