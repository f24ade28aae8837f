using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Persistence;
using Ifm.Runtime.Plasticity;

// Test child process. Modes:
//   checkpoint-loop <path>   run a plastic network and save a checkpoint after every 10 ticks, forever,
//                            printing "saved <tick>" after each completed save.
if (args.Length == 2 && args[0] == "checkpoint-loop")
{
    using var session = new CpuSession(TestModels.PlasticNetwork());
    var x = new float[session.Model.InputCount];
    for (long i = 0; ; i++)
    {
        x[(int)(i % x.Length)] = (i & 1) == 0 ? 1f : -0.5f;
        session.SetInputs(x);
        session.Step(10);
        Checkpoint.Save(session, args[1]);
        Console.Out.WriteLine($"saved {session.Tick}");
        Console.Out.Flush();
    }
}

Console.Error.WriteLine("usage: Ifm.TestHost checkpoint-loop <path>");
return 2;

/// <summary>Models the test host and the tests both build (same seed, same model id).</summary>
public static class TestModels
{
    public static IfmModel PlasticNetwork()
    {
        var net = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 300, Connectivity = 0.2, Seed = 42 });
        var b = new ModelBuilder { Name = "plastic-300" };
        foreach (var p in net.Populations) b.AddPopulation(p.Name, p.Kind, p.Role, p.Count, p.Parameters, p.Labels);
        int g = b.AddEdgeGroup("all", new HebbianTraceRule(0.05f));
        for (int k = 0; k < net.EdgeCount; k++) b.AddEdge(net.Pre[k], net.Post[k], net.Weight[k], g, 0.3f);
        return b.Build();
    }
}
