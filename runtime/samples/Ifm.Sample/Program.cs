using System.Globalization;
using Ifm.Core;
using Ifm.Runtime;
using Ifm.Runtime.Engine;
using Ifm.Runtime.OpenCL.Engine;

namespace Ifm.Sample;

/// <summary>
/// Runs a model for 1,000 ticks on square-wave inputs, learning online, saves the learned state and resumes it in a
/// second session. Usage: <c>Ifm.Sample MODEL.ifm [cpu|opencl|auto] [STATE.ckpt]</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length is < 1 or > 3)
        {
            Console.Error.WriteLine("usage: Ifm.Sample MODEL.ifm [cpu|opencl|auto] [STATE.ckpt]");
            return 2;
        }

        try
        {
            Run(args[0], args.Length > 1 ? args[1] : "cpu", args.Length > 2 ? args[2] : "state.ckpt", Console.Out);
            return 0;
        }
        catch (IfmException e)
        {
            // Every failure the runtime reports on purpose is an IfmException; its Code says which kind.
            Console.Error.WriteLine($"sample: {e.Message} ({e.Code})");
            return 1;
        }
    }

    /// <summary>The sample itself; returns the outputs after the last tick.</summary>
    public static float[] Run(string modelPath, string backend, string checkpointPath, TextWriter log)
    {
        var options = new IfmSessionOptions
        {
            Backend = backend,                                  // "cpu", "opencl" or "auto" (measure, keep the faster)
            Backends = new BackendList(new OpenClBackend()),    // the CPU engine plus OpenCL (first GPU, else first device)
            Plasticity = true,                                  // learn online (the default)
        };

        float[] outputs;
        using (var session = IfmSession.Open(modelPath, options))
        {
            log.WriteLine($"{session.Model.Name}: {session.Model.InputCount} inputs, {session.Model.OutputCount} outputs, on {session.BackendDescription}");
            if (session.BackendReason is { } why) log.WriteLine($"  backend: {why}");

            var inputs = new float[session.Model.InputCount];
            outputs = new float[session.Model.OutputCount];
            for (int t = 0; t < 1000; t++)
            {
                for (int i = 0; i < inputs.Length; i++) inputs[i] = (t / 100 + i) % 2;   // a square wave per channel
                session.SetInputs(inputs);     // these three calls allocate nothing: fine in a control loop
                session.Step();
                session.ReadOutputs(outputs);
            }

            log.WriteLine($"after {session.Tick} ticks: {Show(session.Model.OutputNames, outputs)}");
            session.SaveCheckpoint(checkpointPath);           // crash-safe: the old file stays until the new one is complete
        }

        // A new session (e.g. after a restart) resumes where the first one stopped.
        using var resumed = IfmSession.Open(modelPath, options);
        resumed.LoadCheckpoint(checkpointPath);
        var again = new float[resumed.Model.OutputCount];
        resumed.ReadOutputs(again);
        log.WriteLine($"resumed at tick {resumed.Tick}: {Show(resumed.Model.OutputNames, again)}");
        return outputs;
    }

    private static string Show(IReadOnlyList<string> names, float[] values) =>
        string.Join(", ", values.Select((v, i) => string.Create(CultureInfo.InvariantCulture, $"{names[i]} {v:0.###}")));
}
