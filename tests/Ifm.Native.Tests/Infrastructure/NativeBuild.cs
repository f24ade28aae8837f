namespace Ifm.Native.Tests.Infrastructure;

/// <summary>
/// Builds the C/C++ programs against ifm.h and a published libifm.so, once per test run: the samples and abi_test
/// through CMake (find_package(ifm CONFIG) on a staged prefix) when cmake is installed, else with gcc/g++ directly;
/// the arm64 C programs with aarch64-linux-gnu-gcc.
/// </summary>
internal static class NativeBuild
{
    private static readonly Lazy<Programs> s_x64 = new(BuildX64);
    private static readonly Lazy<Programs> s_arm64 = new(BuildArm64);

    public sealed record Programs(string LibDir, string SampleC, string? SampleCpp, string AbiTest, bool ViaCmake);

    public static Programs X64 => s_x64.Value;

    public static Programs Arm64 => s_arm64.Value;

    public static Dictionary<string, string> Env(Programs p) => new() { ["LD_LIBRARY_PATH"] = p.LibDir };

    /// <summary>A build folder for this test run, removed when the test process exits.</summary>
    private static string Root(string rid)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ifm-native-build-{Environment.ProcessId}-{rid}");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir;
    }

    /// <summary>An install-like prefix: include/ifm.h(pp), lib/libifm.so, lib/cmake/ifm/ifmConfig*.cmake.</summary>
    public static string StagePrefix(string rid, string root)
    {
        string prefix = Path.Combine(root, "prefix");
        string include = Path.Combine(prefix, "include");
        string lib = Path.Combine(prefix, "lib");
        string cmake = Path.Combine(lib, "cmake", "ifm");
        Directory.CreateDirectory(include);
        Directory.CreateDirectory(cmake);
        File.Copy(Path.Combine(Repo.Include, "ifm.h"), Path.Combine(include, "ifm.h"));
        File.Copy(Path.Combine(Repo.Include, "ifm.hpp"), Path.Combine(include, "ifm.hpp"));
        File.Copy(Artifacts.LibIfm(rid), Path.Combine(lib, "libifm.so"));
        foreach (var f in Directory.GetFiles(Repo.Path_("native", "cmake"), "ifmConfig*.cmake")) File.Copy(f, Path.Combine(cmake, Path.GetFileName(f)));
        return prefix;
    }

    private static Programs BuildX64()
    {
        string root = Root("linux-x64");
        string prefix = StagePrefix("linux-x64", root);
        string lib = Path.Combine(prefix, "lib");
        if (Proc.Which("cmake") is { } cmake)
        {
            string samples = Path.Combine(root, "samples");
            string tests = Path.Combine(root, "tests");
            string cfg = "-Difm_DIR=" + Path.Combine(lib, "cmake", "ifm");
            Proc.Ok(cmake, ["-S", Repo.Path_("native", "samples"), "-B", samples, cfg, "-DCMAKE_BUILD_TYPE=Release"]);
            Proc.Ok(cmake, ["--build", samples]);
            Proc.Ok(cmake, ["-S", Repo.Path_("native", "tests"), "-B", tests, cfg, "-DCMAKE_BUILD_TYPE=Release"]);
            Proc.Ok(cmake, ["--build", tests]);
            return new Programs(lib, Path.Combine(samples, "ifm_sample_c"), Path.Combine(samples, "ifm_sample_cpp"), Path.Combine(tests, "abi_test"), ViaCmake: true);
        }

        string include = Path.Combine(prefix, "include");
        string c = Path.Combine(root, "ifm_sample_c"), cpp = Path.Combine(root, "ifm_sample_cpp"), abi = Path.Combine(root, "abi_test");
        Proc.Ok("gcc", ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", include, Repo.Path_("native", "samples", "c", "ifm_sample.c"), "-L", lib, "-lifm", "-o", c]);
        Proc.Ok("g++", ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-I", include, Repo.Path_("native", "samples", "cpp", "ifm_sample.cpp"), "-L", lib, "-lifm", "-o", cpp]);
        Proc.Ok("gcc", ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", include, Repo.Path_("native", "tests", "abi_test.c"), "-L", lib, "-lifm", "-lm", "-o", abi]);
        return new Programs(lib, c, cpp, abi, ViaCmake: false);
    }

    private static Programs BuildArm64()
    {
        string gcc = Proc.Require("aarch64-linux-gnu-gcc");
        string root = Root("linux-arm64");
        string prefix = StagePrefix("linux-arm64", root);
        string include = Path.Combine(prefix, "include"), lib = Path.Combine(prefix, "lib");
        string c = Path.Combine(root, "ifm_sample_c"), abi = Path.Combine(root, "abi_test");
        Proc.Ok(gcc, ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", include, Repo.Path_("native", "samples", "c", "ifm_sample.c"), "-L", lib, "-lifm", "-o", c]);
        Proc.Ok(gcc, ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-I", include, Repo.Path_("native", "tests", "abi_test.c"), "-L", lib, "-lifm", "-lm", "-o", abi]);
        return new Programs(lib, c, null, abi, ViaCmake: false);
    }
}
