using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ifm.Control.Config;
using Ifm.Runtime.Data;
using Ifm.Runtime.Persistence;
using Xunit.Abstractions;

namespace Ifm.Control.Tests;

/// <summary>
/// Seeded mutation fuzzing of every parser that takes outside bytes: the model reader, the checkpoint reader, the
/// device map, the run configuration, the tick files, the recordings (<c>.ifmrec</c>), the HIL scenarios and NIR
/// imports (the bridge's frame parser has its own harness, C and C#: tests/data/fuzz/README.md). Inputs are mutated from the corpus in tests/data/fuzz
/// (bit flips, interesting bytes and numbers, deleted, duplicated and spliced ranges, truncation); every input must
/// end in the parser's own exception or in a value, within a time and an allocation bound. A failure writes the input
/// to a file and names it: add it to the corpus as bad-*.
/// </summary>
/// <remarks>
/// The suite runs a fixed number of iterations per parser (seconds). A longer run on demand:
/// <c>IFM_FUZZ_ITERATIONS=200000 IFM_FUZZ_SEED=7 dotnet test tests/Ifm.Control.Tests -c Release --filter FuzzTests</c>.
/// </remarks>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private delegate void Parser(byte[] input);

    /// <summary>A parser under test; <paramref name="Source"/> is the name its messages must start with.</summary>
    private sealed record Target(string Folder, Type Accepted, Parser Parse, int Iterations, string Source = "fuzz.");

    /// <summary>Scenarios are parsed as if they stood in hil/, so the seeds' relative model paths resolve.</summary>
    private static readonly string ScenarioSource = Path.Combine(Paths.RepoRoot(), "hil", "fuzz.json");

    /// <summary>NIR is HDF5, read from a file: each input is written to this one (its name is what messages start with).</summary>
    private static readonly string NirPath = Path.Combine(Paths.TempDir(), "fuzz.nir");

    private static readonly Target[] Targets =
    [
        new("model", typeof(IfmFormatException), ParseModel, 20_000),
        new("checkpoint", typeof(CheckpointException), ParseCheckpoint, 20_000),
        new("devicemap", typeof(DeviceMapException), b => DeviceMap.Parse(Text(b), "fuzz.json"), 2_000),
        new("runconfig", typeof(RunConfigException), b => RunConfigLoader.Parse(Text(b), "fuzz.json"), 20_000),
        new("ticks", typeof(DataFormatException), b => TickTable.Read(new StringReader(Text(b)), "fuzz.txt"), 20_000),
        new("recording", typeof(Ifm.Control.Recording.RecordingFormatException), ParseRecording, 20_000),
        new("scenario", typeof(Ifm.Hil.Scenarios.ScenarioException), b => Ifm.Hil.Scenarios.Scenario.Parse(Text(b), ScenarioSource), 20_000, ScenarioSource),
        new("nir", typeof(IfmFormatException), ParseNir, 2_000),
    ];

    public static TheoryData<string> Parsers() => [.. Targets.Select(t => t.Folder)];

    /// <summary>An accepted model must also run: a session is created and stepped (no index error hides behind validation).</summary>
    private static void ParseModel(byte[] input)
    {
        var model = IfmFile.Read(input, "fuzz.ifm");
        if (model.NeuronCount > 5000) return;
        using var session = new CpuSession(model);
        session.Step(5);
        session.ReadOutputs(new float[model.OutputCount]);
    }

    /// <summary>An accepted recording must also be readable field by field (what <c>ifm plot</c> does next).</summary>
    private static void ParseRecording(byte[] input)
    {
        var r = Ifm.Control.Recording.RecordingReader.Parse(input, "fuzz.ifmrec");
        if (r.Has("period")) r.Int64("period");
    }

    /// <summary>An accepted NIR graph must also convert to a model that runs (what <c>ifm import</c> does next).</summary>
    private static void ParseNir(byte[] input)
    {
        File.WriteAllBytes(NirPath, input);
        ParseModel(IfmFile.ToBytes(Ifm.Import.Nir.NirImporter.ToModel(Ifm.Import.Nir.NirFile.Read(NirPath), source: "fuzz.nir")));
    }

    /// <summary>
    /// A mutated checkpoint almost never keeps its CRC, so every other input is re-signed (when it still is a
    /// safetensors container): the decoder behind the checksum sees mutated metadata, tensors and values too.
    /// </summary>
    private static void ParseCheckpoint(byte[] input)
    {
        if ((input.Length & 1) == 0 && Resign(input) is { } signed) input = signed;
        Checkpoint.Read(input, "fuzz.ckpt");
    }

    private static byte[]? Resign(byte[] input)
    {
        SafeTensorsContainer c;
        try
        {
            c = SafeTensorsContainer.Parse(input, "fuzz.ckpt");
        }
        catch (IfmFormatException)
        {
            return null;
        }

        const string crcKey = "checkpoint.crc32";
        var metadata = c.Metadata.Where(kv => kv.Key != crcKey).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var tensors = c.Tensors.Values.OrderBy(t => t.Begin).Select(t => (t.Name, t.DType, t.Shape, c.Data(t).ToArray())).ToList();
        var unsigned = SafeTensorsContainer.Parse(SafeTensorsContainer.Write(metadata, tensors), "fuzz.ckpt");
        var text = new StringBuilder();
        foreach (var kv in metadata.OrderBy(k => k.Key, StringComparer.Ordinal)) text.Append(kv.Key).Append('=').Append(kv.Value).Append('\n');
        foreach (var t in unsigned.Tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"{t.Name}:{t.DType}:{string.Join('x', t.Shape)}:{t.Begin}:{t.End}\n");
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(Encoding.UTF8.GetBytes(text.ToString()));
        foreach (var t in unsigned.Tensors.Values.OrderBy(t => t.Begin)) crc.Append(unsigned.Data(t));
        metadata[crcKey] = crc.GetCurrentHashAsUInt32().ToString("x8", CultureInfo.InvariantCulture);
        return SafeTensorsContainer.Write(metadata, tensors);
    }

    private static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    private static string CorpusFolder(string name) => Path.Combine(Paths.RepoRoot(), "tests", "data", "fuzz", name);

    /// <summary>Every corpus entry is a regression input: bad-* must be refused with the parser's exception, the others accepted.</summary>
    [Theory]
    [MemberData(nameof(Parsers))]
    public void The_corpus_is_accepted_and_every_finding_is_refused(string parser)
    {
        var t = Targets.Single(x => x.Folder == parser);
        var files = Directory.GetFiles(CorpusFolder(parser)).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("bad-", StringComparison.Ordinal));
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            bool bad = Path.GetFileName(file).StartsWith("bad-", StringComparison.Ordinal);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            Exception? e = Record.Exception(() => t.Parse(bytes));
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(allocated <= (64L << 20) + 64L * bytes.Length, $"{file}: allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte input");
            if (bad)
            {
                Assert.True(e is not null, $"{file}: accepted, but it is a regression input that must be refused");
                Assert.True(t.Accepted.IsInstanceOfType(e), $"{file}: {e.GetType().Name}: {e.Message}");
                Assert.DoesNotContain('\n', e.Message);
                output.WriteLine($"{Path.GetFileName(file)}: {e.Message}");
            }
            else
            {
                Assert.True(e is null, $"{file}: refused: {e?.Message}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Mutated_inputs_end_in_a_value_or_the_parsers_own_error(string parser)
    {
        var t = Targets.Single(x => x.Folder == parser);
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("IFM_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : t.Iterations;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("IFM_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : 1;
        var corpus = Directory.GetFiles(CorpusFolder(parser)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        var rng = new Random(seed);
        int accepted = 0, refused = 0;
        long slowestTicks = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = Mutator.Mutate(rng, corpus);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            Exception? e = null;
            try
            {
                t.Parse(input);
                accepted++;
            }
            catch (Exception ex)
            {
                e = ex;
            }

            long elapsed = Stopwatch.GetTimestamp() - start;
            slowestTicks = Math.Max(slowestTicks, elapsed);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            string? problem = e is not null && !t.Accepted.IsInstanceOfType(e) ? $"{e.GetType().Name}: {e.Message}"
                : e is not null && (e.Message.Contains('\n', StringComparison.Ordinal) || !e.Message.StartsWith(t.Source, StringComparison.Ordinal)) ? $"message not one line naming the input: {e.Message}"
                : allocated > (64L << 20) + 64L * input.Length ? $"allocated {allocated:N0} bytes for a {input.Length:N0}-byte input"
                : Stopwatch.GetElapsedTime(start, start + elapsed) > TimeSpan.FromSeconds(5) ? $"took {Stopwatch.GetElapsedTime(start, start + elapsed).TotalSeconds:0.0} s"
                : null;
            if (e is not null && problem is null) refused++;
            if (problem is not null)
            {
                string file = Path.Combine(Path.GetTempPath(), $"ifm-fuzz-{parser}-seed{seed}-{i}.bin");
                File.WriteAllBytes(file, input);
                Assert.Fail($"{parser}, seed {seed}, iteration {i}: {problem}\ninput saved to {file}: add it to tests/data/fuzz/{parser}/ as bad-*.");
            }
        }

        string line = string.Create(CultureInfo.InvariantCulture,
            $"fuzz {parser}: {iterations:N0} iterations (seed {seed}) in {clock.Elapsed.TotalSeconds:0.0} s: {accepted:N0} accepted, {refused:N0} refused with {t.Accepted.Name}, slowest {Stopwatch.GetElapsedTime(0, slowestTicks).TotalMilliseconds:0.0} ms");
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.Equal(iterations, accepted + refused);
    }

    /// <summary>Structure-unaware mutations that still reach deep: numbers and JSON tokens are swapped for hostile ones.</summary>
    internal static class Mutator
    {
        private static readonly string[] Numbers =
        [
            "0", "-0", "1", "-1", "1e39", "-1e39", "3e38", "-3e38", "1e-45", "1e-300", "1e300", "NaN", "nan", "Infinity", "2147483647",
            "2147483648", "-2147483649", "4096", "4097", "65536", "18446744073709551615", "0.5", "1e-7", "\"x0..x4095\"", "x0..x4095",
        ];

        private static readonly byte[] Interesting = [0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':',
            (byte)'.', (byte)'-', (byte)'e', (byte)'9', (byte)'\n', (byte)'\t', (byte)'\\'];

        public static byte[] Mutate(Random rng, byte[][] corpus)
        {
            var data = new List<byte>(corpus[rng.Next(corpus.Length)]);
            int rounds = 1 + rng.Next(4);
            for (int r = 0; r < rounds; r++)
            {
                if (data.Count == 0) data.Add((byte)rng.Next(256));
                int at = rng.Next(data.Count);
                int len = Math.Min(data.Count - at, 1 + rng.Next(rng.Next(2) == 0 ? 8 : 256));
                switch (rng.Next(9))
                {
                    case 0:
                        data[at] ^= (byte)(1 << rng.Next(8));
                        break;
                    case 1:
                        data[at] = Interesting[rng.Next(Interesting.Length)];
                        break;
                    case 2:
                        data.RemoveRange(at, len);
                        break;
                    case 3:
                        data.InsertRange(at, data.GetRange(at, len));
                        break;
                    case 4:
                        data.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256)));
                        break;
                    case 5:
                        ReplaceNumber(rng, data, at);
                        break;
                    case 6:
                        data.RemoveRange(at, data.Count - at);
                        break;
                    case 7:
                        var other = corpus[rng.Next(corpus.Length)];
                        int from = rng.Next(other.Length);
                        data.InsertRange(at, other.Skip(from).Take(1 + rng.Next(Math.Min(512, other.Length - from))));
                        break;
                    default:
                        // Little-endian integers are the safetensors length field and the tensors' contents.
                        int v = rng.Next(4) switch { 0 => int.MaxValue, 1 => -1, 2 => rng.Next(), _ => BitConverter.SingleToInt32Bits(float.NaN) };
                        for (int k = 0; k < 4 && at + k < data.Count; k++) data[at + k] = (byte)(v >> (8 * k));
                        break;
                }
            }

            return [.. data];
        }

        /// <summary>Replaces the run of number characters at or after <paramref name="at"/> with a hostile number.</summary>
        private static void ReplaceNumber(Random rng, List<byte> data, int at)
        {
            static bool IsNum(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'-' or (byte)'e' or (byte)'E' or (byte)'+';
            int start = at;
            while (start < data.Count && !IsNum(data[start])) start++;
            if (start >= data.Count) return;
            int end = start;
            while (end < data.Count && IsNum(data[end])) end++;
            data.RemoveRange(start, end - start);
            data.InsertRange(start, Encoding.ASCII.GetBytes(Numbers[rng.Next(Numbers.Length)]));
        }
    }
}
