using Ifm.Import.Nir;
using Ifm.Runtime.Format;

namespace Ifm.Import.Tests;

/// <summary>
/// Malformed .nir files give one clear <see cref="IfmFormatException"/> naming the file and the problem — never a crash,
/// a hang or an allocation the size of a lying header: a corpus written with h5py (missing parameters, shapes that
/// disagree, edges naming missing nodes, unsupported nodes, wrong types, a dataset claiming 2^40 elements), and
/// lif_norse.nir truncated at every 97th byte and with seeded byte corruption.
/// </summary>
public sealed class MalformedNirTests
{
    /// <summary>The import's exception; a hang fails with a <see cref="TimeoutException"/> after 30 s.</summary>
    private static Task<IfmFormatException> Import(string path) =>
        Task.Run(() => Assert.Throws<IfmFormatException>(() => NirImporter.ToModel(NirFile.Read(path), source: Path.GetFileName(path))))
            .WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Every_file_of_the_corpus_is_refused_with_a_message_naming_the_problem()
    {
        string dir = Python.NirFiles("corpus");
        var files = Directory.GetFiles(dir, "*.nir");
        Assert.True(files.Length >= 9, $"corpus has {files.Length} files");
        foreach (var f in files)
        {
            string expect = File.ReadAllText(Path.ChangeExtension(f, ".expect"));
            var e = await Import(f);
            Assert.Contains(Path.GetFileName(f), e.Message, StringComparison.Ordinal);
            Assert.True(e.Message.Contains(expect, StringComparison.Ordinal), $"{Path.GetFileName(f)}: message '{e.Message}' does not say '{expect}'");
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public async Task Truncated_files_are_refused()
    {
        var bytes = File.ReadAllBytes(NorseConformanceTests.Data("lif_norse.nir"));
        string dir = Directory.CreateTempSubdirectory("ifm-nir-trunc-").FullName;
        for (int n = 0; n < bytes.Length; n += 97)
        {
            string path = Path.Combine(dir, $"cut{n}.nir");
            File.WriteAllBytes(path, bytes[..n]);
            await Import(path);
        }
    }

    [Fact]
    public async Task Corrupted_files_are_refused_or_read_but_never_crash()
    {
        var bytes = File.ReadAllBytes(NorseConformanceTests.Data("lif_norse.nir"));
        string dir = Directory.CreateTempSubdirectory("ifm-nir-fuzz-").FullName;
        var rng = new Random(1);
        int refused = 0;
        for (int i = 0; i < 200; i++)
        {
            var b = (byte[])bytes.Clone();
            for (int k = 0; k < 4; k++) b[rng.Next(b.Length)] = (byte)rng.Next(256);
            string path = Path.Combine(dir, $"fuzz{i}.nir");
            File.WriteAllBytes(path, b);
            bool wasRefused = await Task.Run(() =>
            {
                try
                {
                    NirImporter.ToModel(NirFile.Read(path), source: "fuzz.nir");
                    return false;
                }
                catch (IfmFormatException)
                {
                    return true;
                }
            }).WaitAsync(TimeSpan.FromSeconds(30));
            if (wasRefused) refused++;
        }

        Assert.True(refused > 0, "no corrupted file was refused: the corruption did not reach the structure");
    }
}
