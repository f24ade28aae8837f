using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Control.Backends;

/// <summary>What a backend gets to create a session: the model and the user's device choice (<c>--opencl-device</c>).</summary>
public sealed record BackendRequest(string Backend, string? Device);

/// <summary>Creates a session of <paramref name="model"/> on one backend.</summary>
public delegate INetworkSession NetworkSessionFactory(IfmModel model, BackendRequest request);

/// <summary>Chooses a backend for <paramref name="model"/> (e.g. by measuring both) and says which and why in <paramref name="note"/>.</summary>
public delegate INetworkSession BackendSelector(IfmModel model, BackendRequest request, out string note);

/// <summary>
/// The backends `ifm run --backend` can choose from. "cpu" (<see cref="CpuSession"/>) is built in; an OpenCL
/// backend plugs in by registering a factory under "opencl" (the seam: nothing else changes). "auto" takes
/// the registered <see cref="BackendSelector"/> when there is one (the OpenCL backend's measures both and keeps the
/// faster), else "opencl" when one is registered and its factory succeeds, else "cpu".
/// </summary>
public sealed class SessionFactories
{
    private readonly Dictionary<string, NetworkSessionFactory> _factories = new(StringComparer.Ordinal)
    {
        ["cpu"] = static (model, _) => new CpuSession(model),
    };

    public static readonly string[] Names = ["cpu", "opencl", "auto"];

    private BackendSelector? _autoSelector;

    public void Register(string name, NetworkSessionFactory factory) => _factories[name] = factory;

    /// <summary>Registers what "auto" does.</summary>
    public void RegisterAutoSelector(BackendSelector selector) => _autoSelector = selector;

    public bool IsAvailable(string name) => _factories.ContainsKey(name);

    /// <summary>Creates the session; <paramref name="note"/> says which backend runs it (and why, for auto).</summary>
    public INetworkSession Create(IfmModel model, string backend, string? device, out string note)
    {
        switch (backend)
        {
            case "cpu":
                note = "cpu";
                return _factories["cpu"](model, new BackendRequest("cpu", null));
            case "opencl":
                if (!_factories.TryGetValue("opencl", out var cl))
                {
                    throw new InvalidOperationException("backend 'opencl' is not available in this build (no OpenCL session factory is registered); " +
                        "use --backend cpu or --backend auto");
                }

                note = device is null ? "opencl" : $"opencl ({device})";
                return cl(model, new BackendRequest("opencl", device));
            case "auto":
                if (_autoSelector is not null)
                {
                    return _autoSelector(model, new BackendRequest("auto", device), out note);
                }

                if (_factories.TryGetValue("opencl", out var auto))
                {
                    try
                    {
                        note = "opencl (auto)";
                        return auto(model, new BackendRequest("opencl", device));
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        note = $"cpu (auto: OpenCL unavailable: {e.Message})";
                        return _factories["cpu"](model, new BackendRequest("cpu", null));
                    }
                }

                note = "cpu (auto: no OpenCL backend in this build)";
                return _factories["cpu"](model, new BackendRequest("cpu", null));
            default:
                throw new ArgumentException($"unknown backend '{backend}'; expected cpu, opencl or auto");
        }
    }
}
