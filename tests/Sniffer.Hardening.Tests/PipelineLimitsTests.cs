using Sniffer.Engine;
using Sniffer.TestSupport;

namespace Sniffer.Hardening.Tests;

/// <summary>The table behind <c>--limit NAME=VALUE</c>: how values are read, how names are applied, and that it is wired to the options.</summary>
public sealed class PipelineLimitsTests
{
    private static PipelineLimit Limit(string name) => PipelineLimits.Find(name)!;

    [Theory]
    [InlineData("512", 512)]
    [InlineData("0", 0)]
    [InlineData("1B", 1)]
    [InlineData("64KB", 64 * 1024)]
    [InlineData("64kb", 64 * 1024)]
    [InlineData("64 KB", 64 * 1024)]
    [InlineData("64KiB", 64 * 1024)]
    [InlineData("16MB", 16 * 1024 * 1024)]
    [InlineData("1GB", 1024 * 1024 * 1024)]
    [InlineData("3GiB", 3L * 1024 * 1024 * 1024)]
    [InlineData(" 2MB ", 2 * 1024 * 1024)]
    public void Sizes_are_whole_numbers_with_an_optional_binary_unit(string text, long bytes)
    {
        Assert.Equal(bytes, Limit("http.max_body").Parse(text));
    }

    [Theory]
    [InlineData("http.max_body", "1.5MB", "http.max_body=1.5MB: not a size: use a whole number of bytes, optionally with KB, MB or GB (1 KB = 1024 bytes)")]
    [InlineData("http.max_body", "12XB", "http.max_body=12XB: not a size: use a whole number of bytes, optionally with KB, MB or GB (1 KB = 1024 bytes)")]
    [InlineData("http.max_body", "MB", "http.max_body=MB: not a size: use a whole number of bytes, optionally with KB, MB or GB (1 KB = 1024 bytes)")]
    [InlineData("http.max_body", "", "http.max_body=: not a size: use a whole number of bytes, optionally with KB, MB or GB (1 KB = 1024 bytes)")]
    [InlineData("http.max_body", "-5", "http.max_body=-5: too small: at least 0")]
    [InlineData("http.max_body", "9999999999GB", "http.max_body=9999999999GB: too large: at most 9223372036854775807")]
    [InlineData("http.max_body", "99999999999999999999", "http.max_body=99999999999999999999: too large: at most 9223372036854775807")]
    [InlineData("app.max_line", "2GB", "app.max_line=2GB: too large: at most 2147483647")]
    [InlineData("app.max_line", "0", "app.max_line=0: too small: at least 1")]
    [InlineData("tcp.max_flows", "0", "tcp.max_flows=0: too small: at least 1")]
    [InlineData("tcp.max_flows", "-1", "tcp.max_flows=-1: too small: at least 1")]
    [InlineData("tcp.max_flows", "10KB", "tcp.max_flows=10KB: not a count: use a whole number")]
    [InlineData("http.max_headers", "1e3", "http.max_headers=1e3: not a count: use a whole number")]
    [InlineData("ip.max_fragment_datagrams", "3000000000", "ip.max_fragment_datagrams=3000000000: too large: at most 2147483647")]
    public void A_value_that_is_not_one_says_why(string name, string text, string message)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Limit(name).Parse(text));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Each_name_sets_its_own_setting_and_no_other()
    {
        var defaults = new PipelineOptions();
        foreach (PipelineLimit limit in PipelineLimits.All)
        {
            // A value no default has: reading it back proves the name reaches its setting, the others unchanged prove it reaches only that one.
            long value = limit.Default - 1;
            PipelineOptions changed = PipelineLimits.Apply(defaults, [$"{limit.Name}={value}"]);
            Assert.Equal(value, limit.Get(changed));
            Assert.All(PipelineLimits.All.Where(other => other != limit), other => Assert.Equal(other.Default, other.Get(changed)));
        }
    }

    [Fact]
    public void Each_default_reads_back_from_how_it_is_shown()
    {
        Assert.All(PipelineLimits.All, limit => Assert.Equal(limit.Default, limit.Parse(limit.Format(limit.Default))));
        Assert.Equal("64KB", Limit("app.max_line").Format(64 * 1024));
        Assert.Equal("1500", Limit("app.max_line").Format(1500));
        Assert.Equal("1000000", Limit("tcp.max_flows").Format(1_000_000));
    }

    [Fact]
    public void Names_are_dotted_lower_case_and_unique()
    {
        Assert.All(PipelineLimits.All, limit => Assert.Matches("^(app|http|mail|imap|tcp|ip)\\.max_[a-z_]+$", limit.Name));
        Assert.Equal(PipelineLimits.All.Count, PipelineLimits.All.Select(l => l.Name).Distinct().Count());
    }

    [Fact]
    public void A_later_assignment_of_a_name_wins_and_names_ignore_case()
    {
        PipelineOptions options = PipelineLimits.Apply(new PipelineOptions(), ["tcp.max_flows=10", "TCP.Max_Flows=20"]);

        Assert.Equal(20, options.Reassembly.MaxFlows);
    }

    [Theory]
    [InlineData("http.max_body", "'http.max_body' is not NAME=VALUE (e.g. http.max_body=64MB)")]
    [InlineData("=5", "'=5' is not NAME=VALUE (e.g. http.max_body=64MB)")]
    [InlineData("http.max_bodies=5", "'http.max_bodies' is not a limit; the limits are app.max_line, http.max_header_bytes, http.max_headers, " +
        "http.max_body, http.max_decompressed, http.max_ratio, mail.max_message, imap.max_literal, app.max_kept_total, tcp.max_buffered_per_flow, " +
        "tcp.max_buffered_total, tcp.max_flows, ip.max_fragment_datagrams, ip.max_fragment_bytes, ip.max_datagram")]
    [InlineData("ip.max_fragment_bytes=32KB", "ip.max_fragment_bytes (32768) must be at least ip.max_datagram (65535), so that one datagram fits")]
    public void An_assignment_that_is_not_one_says_why(string assignment, string message)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => PipelineLimits.Apply(new PipelineOptions(), [assignment]));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_fragment_budget_below_the_default_datagram_is_accepted_once_the_datagram_is_lowered_too()
    {
        PipelineOptions options = PipelineLimits.Apply(new PipelineOptions(), ["ip.max_datagram=1500", "ip.max_fragment_bytes=32KB"]);

        Assert.Equal((1500, 32 * 1024L), (options.Decoder.MaxBytesPerDatagram, options.Decoder.MaxFragmentBytesTotal));
    }

    [Fact]
    public void The_README_table_of_limits_is_the_one_in_the_code()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");

        Assert.Contains(PipelineLimits.MarkdownTable(), readme);
    }
}
