using Sniffer.Core.Dissection;

namespace Sniffer.Reassembly;

/// <summary>
/// Binds dissector factories to traffic (Wireshark's hand-off phase): a server-port table built from each
/// factory's default ports plus the user's <c>--map</c> overrides, and the ordered list of content probes.
/// Fill it before the first segment is processed; it is read, never changed, while flows are dissected.
/// </summary>
public sealed class DissectorRegistry
{
    private readonly List<IDissectorFactory> _factories = new();
    private readonly Dictionary<ushort, IDissectorFactory> _defaultPorts = new();
    private readonly Dictionary<ushort, IDissectorFactory> _mappedPorts = new();

    /// <summary>Factories in registration order, which is also the order content probes are tried in.</summary>
    public IReadOnlyList<IDissectorFactory> Factories => _factories;

    /// <summary>
    /// Registers a factory and binds its default server ports. A port already bound keeps its first factory,
    /// as a Wireshark port table does; <see cref="Map"/> overrides that.
    /// </summary>
    /// <exception cref="ArgumentException">A factory with the same name is already registered.</exception>
    public void Add(IDissectorFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (Find(factory.Name) is not null)
        {
            throw new ArgumentException($"A dissector named \"{factory.Name}\" is already registered.", nameof(factory));
        }
        _factories.Add(factory);
        foreach (ushort port in factory.DefaultServerPorts) _defaultPorts.TryAdd(port, factory);
    }

    /// <summary>
    /// Forces traffic to or from server port <paramref name="port"/> to the dissector named <paramref name="name"/>
    /// without probing (<c>--map 18080=http</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No dissector has that name.</exception>
    public void Map(ushort port, string name)
    {
        IDissectorFactory factory = Find(name) ?? throw new ArgumentException(
            $"No dissector named \"{name}\"; known: {string.Join(", ", _factories.Select(f => f.Name))}.", nameof(name));
        _mappedPorts[port] = factory;
    }

    /// <summary>Case-insensitive lookup by <see cref="IDissectorFactory.Name"/>.</summary>
    public IDissectorFactory? Find(string name) =>
        _factories.Find(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when a factory or a user mapping names this port as a server port; used to tell client from server without a SYN.</summary>
    public bool IsServerPort(ushort port) => _mappedPorts.ContainsKey(port) || _defaultPorts.ContainsKey(port);

    /// <summary>The factory bound to a server port, and whether the user forced it (then it is used without probing).</summary>
    internal IDissectorFactory? ForServerPort(ushort port, out bool mappedByUser)
    {
        mappedByUser = _mappedPorts.TryGetValue(port, out IDissectorFactory? mapped);
        if (mappedByUser) return mapped;
        return _defaultPorts.GetValueOrDefault(port);
    }
}
