using System.Text.Json;

namespace Ifm.Hil.Scenarios;

/// <summary>
/// The registry behind <see cref="Steps.StepKinds"/> and <see cref="Assertions.AssertionKinds"/>: kinds register
/// themselves from their own files; the list stays sorted by name, a name is taken once (registering the same instance
/// again is a no-op), and readers see an immutable snapshot without a lock.
/// </summary>
internal sealed class KindRegistry<T>(string what, Func<T, string> nameOf)
    where T : class
{
    private readonly Lock _gate = new();
    private volatile T[] _kinds = [];

    public IReadOnlyList<T> Registered => _kinds;

    public string[] Names => [.. _kinds.Select(nameOf)];

    public void Register(T kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (_gate)
        {
            if (_kinds.Any(k => nameOf(k) == nameOf(kind)))
            {
                if (_kinds.Any(k => ReferenceEquals(k, kind))) return;
                throw new InvalidOperationException($"{what} '{nameOf(kind)}' is already registered");
            }

            _kinds = [.. _kinds.Append(kind).OrderBy(nameOf, StringComparer.Ordinal)];
        }
    }

    public T? Find(string? name) => _kinds.FirstOrDefault(k => nameOf(k) == name);

    /// <summary>
    /// Starts reading one entry of <c>steps</c> or <c>assertions</c>: it must be an object whose <c>kind</c> is registered.
    /// Returns its fields and its kind, or null (the problem is in <paramref name="errors"/> with its JSON path).
    /// </summary>
    public (JsonFields Fields, string Name, T Kind)? Open(JsonElement element, string path, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object with a \"kind\"");
            return null;
        }

        var f = new JsonFields(element, path, errors);
        string? name = f.String("kind", required: true);
        if (name is null) return null;
        if (Find(name) is { } kind) return (f, name, kind);
        f.Add("kind", $"unknown {what} '{name}'; known kinds: {string.Join(", ", Names)}");
        return null;
    }
}
