namespace Ifm.Tests.Shared;

/// <summary>
/// Base of a test class that writes files: <see cref="Dir"/> is a fresh temporary folder for each test (xUnit makes
/// one instance per test) and is deleted with everything in it afterwards. Linked into every test project.
/// </summary>
public abstract class TempDirectoryTests : IDisposable
{
    /// <param name="prefix">Start of the folder's name (e.g. "ifm-aot-"), so a leftover names its test class.</param>
    protected TempDirectoryTests(string prefix) => Dir = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>This test's own folder under the system's temporary folder.</summary>
    protected string Dir { get; }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Directory.Delete(Dir, recursive: true);
    }
}
