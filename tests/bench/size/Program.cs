using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;
using Mono.Collections.Generic;

// The .mstat file the NativeAOT compiler writes with -p:IlcGenerateMstatFile=true is an assembly whose global type's
// methods list, as IL, what went into the binary (format 2.x): Types (ldtoken type, size, node), Methods (ldtoken
// method, code size, GC info size, EH info size, node) and Blobs (ldstr name, size). This sums them per assembly and
// per namespace; blobs (metadata, stack-trace data, resources, frozen objects) are listed by name.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: MstatSizes <file.mstat> [rows]");
    return 2;
}

int rows = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
AssemblyDefinition asm = AssemblyDefinition.ReadAssembly(args[0]);
var global = (TypeDefinition)asm.MainModule.LookupToken(0x02000001);
var byAssembly = new Dictionary<string, long>();
var byNamespace = new Dictionary<string, long>();
long types = 0, methods = 0, blobs = 0;

foreach (var (type, size) in Entries(global, "Types", 3))
{
    types += size;
    Add((TypeReference)type, size);
}

// MSTAT_METHODS=<assembly>: also list that assembly's largest methods (instantiation arguments show who pulls them in).
string? detail = Environment.GetEnvironmentVariable("MSTAT_METHODS");
var detailed = new List<(string Name, int Size)>();
foreach (var (member, size) in Entries(global, "Methods", 5))
{
    methods += size;
    Add(((MemberReference)member).DeclaringType, size);
    if (detail is not null && Scope(member.DeclaringType) == detail)
    {
        detailed.Add((member.ToString(), size));
    }
}

var blobList = new List<(string Name, int Size)>();
Collection<Instruction> il = Body(global, "Blobs");
for (int i = 0; i + 1 < il.Count; i++)
{
    if (il[i].Operand is string name && il[i + 1].Operand is int size)
    {
        blobs += size;
        blobList.Add((name, size));
        i++;
    }
}

Console.WriteLine($"types {types:N0} B, methods {methods:N0} B, blobs {blobs:N0} B, total {types + methods + blobs:N0} B");
Print("by assembly (types and methods)", byAssembly);
Print("by namespace", byNamespace);
Console.WriteLine("== blobs");
foreach (var (name, size) in blobList.OrderByDescending(b => b.Size).Take(rows))
{
    Console.WriteLine($"{size,12:N0} {name}");
}

if (detail is not null)
{
    Console.WriteLine($"== largest methods of {detail}");
    foreach (var (name, size) in detailed.OrderByDescending(d => d.Size).Take(rows))
    {
        Console.WriteLine($"{size,12:N0} {name}");
    }
}

return 0;

static string Scope(TypeReference? type)
{
    try
    {
        while (type is TypeSpecification spec)
        {
            type = spec.ElementType;
        }

        while (type?.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type is null or GenericParameter ? "?" : type.Scope?.Name ?? "?";
    }
    catch (AssemblyResolutionException)
    {
        return "?";
    }
}

static Collection<Instruction> Body(TypeDefinition global, string name)
{
    MethodDefinition m = global.Methods.First(x => x.Name == name);
    m.Body.SimplifyMacros();
    return m.Body.Instructions;
}

// Each entry starts with an ldtoken; its first integer after the token is the size (methods: code + GC + EH info).
static IEnumerable<(MemberReference Member, int Size)> Entries(TypeDefinition global, string name, int stride)
{
    Collection<Instruction> il = Body(global, name);
    for (int i = 0; i + stride - 1 < il.Count; i++)
    {
        if (il[i].OpCode != OpCodes.Ldtoken || il[i].Operand is not MemberReference member)
        {
            continue;
        }

        int size = (int)il[i + 1].Operand;
        if (name == "Methods")
        {
            size += (int)il[i + 2].Operand + (int)il[i + 3].Operand;
        }

        yield return (member, size);
        i += stride - 1;
    }
}

void Add(TypeReference? type, long size)
{
    try
    {
        while (type is TypeSpecification spec)
        {
            type = spec.ElementType;
        }

        while (type?.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        string scope = type is null or GenericParameter ? "?" : type.Scope?.Name ?? "?";
        byAssembly[scope] = byAssembly.GetValueOrDefault(scope) + size;
        string ns = $"{scope} {(type is null or GenericParameter ? "" : type.Namespace)}";
        byNamespace[ns] = byNamespace.GetValueOrDefault(ns) + size;
    }
    catch (AssemblyResolutionException)
    {
        byAssembly["?"] = byAssembly.GetValueOrDefault("?") + size;
    }
}

void Print(string title, Dictionary<string, long> sizes)
{
    Console.WriteLine($"== {title}");
    foreach (var (key, size) in sizes.OrderByDescending(kv => kv.Value).Take(rows))
    {
        Console.WriteLine($"{size,12:N0} {key}");
    }
}
