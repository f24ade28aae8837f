// StepBench — per-call cost of CpuSession.Step(1) called in-process from C#: the same loop as step_bench.c, which
// calls ifm_step through the C ABI, so the difference is the boundary's overhead (handle lookup, status, transition).
//   dotnet run -c Release --project native/bench/StepBench -- MODEL.ifm [CALLS] [ROUNDS]
using System.Diagnostics;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: StepBench MODEL.ifm [CALLS] [ROUNDS]");
    return 2;
}

long calls = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000_000;
int rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 7;
var model = IfmFile.Read(args[0]);
INetworkSession session = new CpuSession(model);
var inputs = new float[model.InputCount];
var outputs = new float[model.OutputCount];
Array.Fill(inputs, 0.25f);
session.SetInputs(inputs);

// Warm-up long enough for tiered compilation to reach the optimised code.
for (int w = 0; w < 3; w++)
{
    for (long i = 0; i < calls / 2; i++) session.Step(1);
    Thread.Sleep(200);
}

var step = new double[rounds];
var period = new double[rounds];
var query = new double[rounds];
long sum = 0;
for (int r = 0; r < rounds; r++)
{
    long t0 = Stopwatch.GetTimestamp();
    for (long i = 0; i < calls; i++) session.Step(1);
    long t1 = Stopwatch.GetTimestamp();
    for (long i = 0; i < calls; i++)
    {
        session.SetInputs(inputs);
        session.Step(1);
        session.ReadOutputs(outputs);
    }

    long t2 = Stopwatch.GetTimestamp();
    for (long i = 0; i < calls; i++) sum += session.Tick;
    long t3 = Stopwatch.GetTimestamp();
    step[r] = Stopwatch.GetElapsedTime(t0, t1).TotalNanoseconds / calls;
    period[r] = Stopwatch.GetElapsedTime(t1, t2).TotalNanoseconds / calls;
    query[r] = Stopwatch.GetElapsedTime(t2, t3).TotalNanoseconds / calls;
}

Array.Sort(step);
Array.Sort(period);
Array.Sort(query);
string mode = System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled ? "C# JIT " : "C# AOT ";
Console.WriteLine($"{mode} neurons={model.NeuronCount} edges={model.EdgeCount}  Step(1): {step[rounds / 2]:F1} ns/call  " +
    $"SetInputs+Step+ReadOutputs: {period[rounds / 2]:F1} ns/period  Tick: {query[rounds / 2]:F1} ns/call  (median of {rounds} x {calls}; checksum {sum & 0xFF})");
return 0;
