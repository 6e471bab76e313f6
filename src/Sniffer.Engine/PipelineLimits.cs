using System.Globalization;
using System.Text.RegularExpressions;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Http;
using Sniffer.Dissectors.Imap;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp;

namespace Sniffer.Engine;

/// <summary>What the value of a <see cref="PipelineLimit"/> counts.</summary>
public enum LimitUnit
{
    /// <summary>Bytes; the value may carry a unit (KB, MB, GB: powers of 1024).</summary>
    Bytes,

    /// <summary>A plain whole number (fields, flows, datagrams, a ratio).</summary>
    Count,
}

/// <summary>
/// One limit a user may set (<c>--limit NAME=VALUE</c>), in the manner of tshark's <c>-o name:value</c> preferences:
/// its dotted name, what it bounds, the anomalies traffic that hits it yields and what follows, and where it lives in
/// <see cref="PipelineOptions"/>.
/// </summary>
public sealed partial record PipelineLimit(
    string Name,
    LimitUnit Unit,
    long Minimum,
    long Maximum,
    string Bounds,
    IReadOnlyList<string> AnomalyKinds,
    string Consequence,
    Func<PipelineOptions, long> Get,
    Func<PipelineOptions, long, PipelineOptions> Set)
{
    private const long KiB = 1024;

    // Binary multiples, as Suricata's configuration reads "kb" and "mb": memory limits are powers of two.
    private static readonly Dictionary<string, long> ByteUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["B"] = 1,
        ["KB"] = KiB,
        ["KiB"] = KiB,
        ["MB"] = KiB * KiB,
        ["MiB"] = KiB * KiB,
        ["GB"] = KiB * KiB * KiB,
        ["GiB"] = KiB * KiB * KiB,
    };

    private static readonly string[] LargestUnitFirst = ["GB", "MB", "KB"];

    [GeneratedRegex(@"^(?<sign>-?)(?<number>[0-9]+) *(?<unit>[A-Za-z]*)$")]
    private static partial Regex NumberWithUnit();

    public long Default => Get(new PipelineOptions());

    /// <summary>The value of <paramref name="text"/> for this limit; throws <see cref="ArgumentException"/> saying why it is not one.</summary>
    public long Parse(string text)
    {
        Match match = NumberWithUnit().Match(text.Trim());
        string unit = match.Groups["unit"].Value;
        if (!match.Success || (Unit == LimitUnit.Count && unit.Length > 0) || !ByteUnits.TryGetValue(unit.Length == 0 ? "B" : unit, out long multiplier))
        {
            throw Invalid(text, Unit == LimitUnit.Bytes
                ? "not a size: use a whole number of bytes, optionally with KB, MB or GB (1 KB = 1024 bytes)"
                : "not a count: use a whole number");
        }
        if (match.Groups["sign"].Length > 0) throw Invalid(text, $"too small: at least {Format(Minimum)}");
        if (!long.TryParse(match.Groups["number"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > Maximum / multiplier)
            throw Invalid(text, $"too large: at most {Format(Maximum)}");
        value *= multiplier;
        if (value < Minimum) throw Invalid(text, $"too small: at least {Format(Minimum)}");
        return value;
    }

    /// <summary>A value as a user would write it: sizes in the largest unit that divides them (64KB, 16MB), counts as numbers.</summary>
    public string Format(long value)
    {
        if (Unit == LimitUnit.Bytes && value > 0)
        {
            foreach (string unit in LargestUnitFirst)
            {
                if (value % ByteUnits[unit] == 0) return (value / ByteUnits[unit]).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }
        return value.ToString(CultureInfo.InvariantCulture);
    }

    private ArgumentException Invalid(string text, string reason) => new($"{Name}={text}: {reason}");
}

/// <summary>
/// The one table of the limits a user may set, shared by the command line's <c>--limit</c> (its help and its errors)
/// and the README's table. It lives beside <see cref="PipelineOptions"/> because it is a view of those options: any
/// front end (the command line today, a configuration file or the UI later) sets the same names.
/// Each limit, when hit, yields an anomaly and the rest of the capture keeps being analysed.
/// </summary>
public static class PipelineLimits
{
    private const long Unbounded = long.MaxValue;

    // Every minimum is 1 but http.max_body's and app.max_kept_total's: a dissector limit of 0 would reject every line,
    // header or message, while keeping no body is a use of its own (bench --no-bodies).
    public static IReadOnlyList<PipelineLimit> All { get; } =
    [
        new("app.max_line", LimitUnit.Bytes, 1, int.MaxValue,
            "Longest protocol line: HTTP request, status or header line; SMTP or IMAP command or reply line",
            [HttpAnomalyKinds.LineTooLong, SmtpAnomalyKinds.LineTooLong, ImapAnomalyKinds.LineTooLong],
            "HTTP looks for the next message, IMAP for the next line; SMTP gives the connection up",
            o => o.Dissectors.MaxLineBytes, (o, v) => o with { Dissectors = o.Dissectors with { MaxLineBytes = (int)v } }),
        new("http.max_header_bytes", LimitUnit.Bytes, 1, int.MaxValue,
            "Largest header section of one HTTP message",
            [HttpAnomalyKinds.HeadersTooLarge],
            "HTTP looks for the next message",
            o => o.Dissectors.MaxHeaderBytes, (o, v) => o with { Dissectors = o.Dissectors with { MaxHeaderBytes = (int)v } }),
        new("http.max_headers", LimitUnit.Count, 1, int.MaxValue,
            "Most header fields in one HTTP message (and lines in one multi-line SMTP reply)",
            [HttpAnomalyKinds.TooManyHeaders, SmtpAnomalyKinds.InvalidReply],
            "HTTP looks for the next message; SMTP gives the connection up",
            o => o.Dissectors.MaxHeaderCount, (o, v) => o with { Dissectors = o.Dissectors with { MaxHeaderCount = (int)v } }),
        new("http.max_body", LimitUnit.Bytes, 0, Unbounded,
            "Decoded bytes of one HTTP body kept (0 keeps none); size and SHA-256 cover the whole body",
            [HttpAnomalyKinds.BodyOverCap],
            "the rest is counted and hashed, not kept",
            o => o.Dissectors.MaxBodyBytes, (o, v) => o with { Dissectors = o.Dissectors with { MaxBodyBytes = v } }),
        new("http.max_decompressed", LimitUnit.Bytes, 1, Unbounded,
            "Decoded output of one compressed HTTP body (gzip, deflate, br)",
            [HttpAnomalyKinds.DecompressionBomb],
            "decoding stops, the transaction is still recorded",
            o => o.Dissectors.MaxDecompressedBytes, (o, v) => o with { Dissectors = o.Dissectors with { MaxDecompressedBytes = v } }),
        new("http.max_ratio", LimitUnit.Count, 1, int.MaxValue,
            "Decoded-to-encoded ratio of one compressed HTTP body, once past 1 MB of output",
            [HttpAnomalyKinds.DecompressionBomb],
            "decoding stops, the transaction is still recorded",
            o => o.Dissectors.MaxDecompressionRatio, (o, v) => o with { Dissectors = o.Dissectors with { MaxDecompressionRatio = (int)v } }),
        new("mail.max_message", LimitUnit.Bytes, 1, Unbounded,
            "Bytes of one mail message kept (SMTP DATA or BDAT, or a whole message over IMAP); size and hashes cover all of it",
            [MailAnomalyKinds.MessageTooLarge],
            "the rest is counted and hashed, not kept",
            o => o.Dissectors.MaxMessageBytes, (o, v) => o with { Dissectors = o.Dissectors with { MaxMessageBytes = v } }),
        new("imap.max_literal", LimitUnit.Bytes, 1, Unbounded,
            "Bytes of one IMAP literal kept (a FETCH body section, an APPEND)",
            [ImapAnomalyKinds.LiteralTooLarge],
            "the rest is counted, not kept",
            o => o.Dissectors.MaxLiteralBytes, (o, v) => o with { Dissectors = o.Dissectors with { MaxLiteralBytes = v } }),
        new("app.max_kept_total", LimitUnit.Bytes, 0, Unbounded,
            "Bytes the unfinished HTTP bodies, mail messages and IMAP literals of all flows keep together (arrays sized by announced lengths included)",
            [AnomalyKinds.KeptBytesLimit],
            "further bytes of those entities are counted and hashed, not kept",
            o => o.Reassembly.MaxKeptBytesTotal, (o, v) => o with { Reassembly = o.Reassembly with { MaxKeptBytesTotal = v } }),
        new("tcp.max_buffered_per_flow", LimitUnit.Bytes, 1, Unbounded,
            "Out-of-order bytes one flow may hold, both directions together",
            [AnomalyKinds.TcpBufferLimit],
            "the oldest hole becomes a gap",
            o => o.Reassembly.MaxBufferedBytesPerFlow, (o, v) => o with { Reassembly = o.Reassembly with { MaxBufferedBytesPerFlow = v } }),
        new("tcp.max_buffered_total", LimitUnit.Bytes, 1, Unbounded,
            "Out-of-order and not yet dissected bytes of all flows together",
            [AnomalyKinds.TcpBufferLimit],
            "the least recently active flows give theirs up as gaps",
            o => o.Reassembly.MaxBufferedBytesTotal, (o, v) => o with { Reassembly = o.Reassembly with { MaxBufferedBytesTotal = v } }),
        new("tcp.max_flows", LimitUnit.Count, 1, int.MaxValue,
            "TCP flows tracked at once",
            [AnomalyKinds.TcpFlowLimit],
            "the least recently active flow is ended early",
            o => o.Reassembly.MaxFlows, (o, v) => o with { Reassembly = o.Reassembly with { MaxFlows = (int)v } }),
        new("ip.max_fragment_datagrams", LimitUnit.Count, 1, int.MaxValue,
            "IP datagrams in fragment reassembly at once",
            [AnomalyKinds.FragmentLimit],
            "the oldest datagram is dropped",
            o => o.Decoder.MaxFragmentDatagramsInFlight, (o, v) => o with { Decoder = o.Decoder with { MaxFragmentDatagramsInFlight = (int)v } }),
        new("ip.max_fragment_bytes", LimitUnit.Bytes, 1, Unbounded,
            "Buffer space of all datagrams in fragment reassembly together (at least ip.max_datagram)",
            [AnomalyKinds.FragmentLimit],
            "the oldest datagrams are dropped",
            o => o.Decoder.MaxFragmentBytesTotal, (o, v) => o with { Decoder = o.Decoder with { MaxFragmentBytesTotal = v } }),
        new("ip.max_datagram", LimitUnit.Bytes, 1, int.MaxValue,
            "Largest reassembled IP datagram",
            [AnomalyKinds.FragmentLimit],
            "the fragment reaching past it is dropped",
            o => o.Decoder.MaxBytesPerDatagram, (o, v) => o with { Decoder = o.Decoder with { MaxBytesPerDatagram = (int)v } }),
    ];

    /// <summary>Every name with its default, as <c>name=default</c> pairs (the option's help lists them).</summary>
    public static string NamesWithDefaults => string.Join(", ", All.Select(l => $"{l.Name}={l.Format(l.Default)}"));

    public static PipelineLimit? Find(string name) => All.FirstOrDefault(l => l.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// <paramref name="options"/> with each <c>NAME=VALUE</c> of <paramref name="assignments"/> applied in order (a later one
    /// wins); throws <see cref="ArgumentException"/> with a message for the user on the first that is not valid.
    /// </summary>
    public static PipelineOptions Apply(PipelineOptions options, IEnumerable<string> assignments)
    {
        foreach (string assignment in assignments)
        {
            int equals = assignment.IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"'{assignment}' is not NAME=VALUE (e.g. http.max_body=64MB)");
            string name = assignment[..equals].Trim();
            PipelineLimit limit = Find(name)
                ?? throw new ArgumentException($"'{name}' is not a limit; the limits are {string.Join(", ", All.Select(l => l.Name))}");
            options = limit.Set(options, limit.Parse(assignment[(equals + 1)..]));
        }
        // The decoder refuses a buffer budget that cannot hold one datagram (DecoderSettings.Validate); say so in these names.
        if (options.Decoder.MaxFragmentBytesTotal < options.Decoder.MaxBytesPerDatagram)
        {
            throw new ArgumentException($"ip.max_fragment_bytes ({options.Decoder.MaxFragmentBytesTotal}) must be at least " +
                $"ip.max_datagram ({options.Decoder.MaxBytesPerDatagram}), so that one datagram fits");
        }
        return options;
    }

    /// <summary>The README's table of limits: name, default, what it bounds, its anomalies and what follows.</summary>
    public static string MarkdownTable() =>
        "| name | default | bounds | when hit: anomaly, then |\n|---|---|---|---|\n" +
        string.Concat(All.Select(l =>
            $"| `{l.Name}` | {l.Format(l.Default)} | {l.Bounds} | {string.Join(", ", l.AnomalyKinds.Select(k => $"`{k}`"))}; {l.Consequence} |\n"));
}
