// The namespaces nearly every suite here uses: the loop, recordings, device maps and simulated hardware, the engine.
global using Ifm.Control.Loop;
global using Ifm.Control.Recording;
global using Ifm.Devices.Mapping;
global using Ifm.Devices.Simulation;
global using Ifm.Runtime.Engine;
global using Ifm.Runtime.Format;
global using Ifm.Runtime.Model;
