using Sniffer.Core.Dissection;
using Sniffer.Decoding;
using Sniffer.Reassembly;

namespace Sniffer.Engine;

/// <summary>Everything that shapes one analysis run, gathered in one place (MimeKit's ParserOptions habit).</summary>
public sealed record PipelineOptions
{
    public DissectorSettings Dissectors { get; init; } = DissectorSettings.Default;

    public DecoderSettings Decoder { get; init; } = DecoderSettings.Default;

    public ReassemblyOptions Reassembly { get; init; } = ReassemblyOptions.Default;

    /// <summary>
    /// Run the analyses over the records: HTTP (cookie jars, conditional-GET savings, connection reuse, latency)
    /// and mail (SMTP→IMAP paths, mail summary).
    /// </summary>
    public bool RunAnalyses { get; init; } = true;

    /// <summary>
    /// Threads that reassemble and dissect, flows shared out by a hash of their 4-tuple; 1 keeps the whole run on the
    /// caller's thread. The caller's thread reads and decodes in both cases.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>User overrides of the port table (<c>--map 18080=http</c>).</summary>
    public IReadOnlyList<PortMapping> PortMappings { get; init; } = [];

    /// <summary>Folder of dissector plug-in assemblies.</summary>
    public string? PluginDirectory { get; init; }

    /// <summary>True when <see cref="PluginDirectory"/> is the default location, which need not exist.</summary>
    public bool PluginDirectoryIsDefault { get; init; }
}

/// <summary>One <c>--map PORT=PROTOCOL</c> override.</summary>
public readonly record struct PortMapping(ushort Port, string Protocol)
{
    public static PortMapping Parse(string text)
    {
        int equals = text.IndexOf('=');
        if (equals <= 0 || !ushort.TryParse(text.AsSpan(0, equals), out ushort port) || port == 0 || equals == text.Length - 1)
            throw new ArgumentException($"'{text}' is not PORT=PROTOCOL (e.g. 18080=http)");
        return new PortMapping(port, text[(equals + 1)..].Trim().ToLowerInvariant());
    }

    public override string ToString() => $"{Port}={Protocol}";
}

/// <summary>Where dissector plug-ins are looked for when --plugins is not given.</summary>
public static class PluginFolders
{
    /// <summary><c>$XDG_DATA_HOME/sniffer/plugins</c>, by default <c>~/.local/share/sniffer/plugins</c>.</summary>
    public static string Default
    {
        get
        {
            string? dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(dataHome))
                dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return Path.Combine(dataHome, "sniffer", "plugins");
        }
    }

    public const string DefaultDisplay = "$XDG_DATA_HOME/sniffer/plugins, i.e. ~/.local/share/sniffer/plugins";
}
