using System.Text;
using Sniffer.Capture.Files;
using Sniffer.TestSupport.CaptureFiles;

namespace Sniffer.Capture.Tests.Files;

/// <summary>Files that are not captures are refused at open, saying what they look like instead.</summary>
public sealed class NotACaptureTests
{
    public static TheoryData<string, byte[], string> NonCaptures => new()
    {
        { "empty", [], "not a pcap or pcapng file: empty file" },
        { "three bytes", [0xD4, 0xC3, 0xB2], "only 3 bytes long" },
        { "HTTP request", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: example\r\n\r\n"), "starts with 'GET / HTTP/1.1\\r\\n' (text)" },
        { "HTML page", Encoding.ASCII.GetBytes("<!DOCTYPE html><html></html>"), "starts with '<!DOCTYPE html><' (text)" },
        { "ELF executable", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0], "(an ELF executable)" },
        { "zip archive", [(byte)'P', (byte)'K', 3, 4, 20, 0], "(a zip archive)" },
        { "random binary", [0x00, 0x01, 0xFE, 0xFF, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60], "starts with 00 01 fe ff 10 20 30 40 (unrecognised binary)" },
        { "modified pcap", [0x34, 0xCD, 0xB2, 0xA1, 2, 0, 4, 0], "\"modified\" (Kuznetzov) pcap" },
        { "gzip of text", Gzip.Compress(Encoding.ASCII.GetBytes("hello, world")), "not a pcap or pcapng file (after gunzip): starts with 'hello, world' (text)" },
        // GZipStream writes nothing for no input, so this one member around an empty deflate block is spelled out (RFC 1952).
        { "gzip of nothing", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], "(after gunzip): empty file" },
        { "pcap header cut short", new PcapFileBuilder().ToArray()[..10], "pcap file header is cut short: 10 of 24 bytes" },
        { "pcapng header cut short", new PcapNgFileBuilder().AddSection().ToArray()[..20], "pcapng section header block is cut short" },
    };

    [Theory]
    [MemberData(nameof(NonCaptures))]
    public void Non_capture_is_refused_with_a_description_of_what_it_is(string kind, byte[] content, string expectedMessage)
    {
        using TemporaryFile file = TemporaryFile.WithContent(content, ".pcap");

        var error = Assert.Throws<CaptureFileException>(() => CaptureFileReader.Open(file.Path));

        Assert.True(error.Message.Contains(expectedMessage, StringComparison.Ordinal), $"{kind}: {error.Message}");
        Assert.StartsWith(file.Path + ": ", error.Message);
    }

    [Fact]
    public void Missing_file_is_a_capture_file_error_naming_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sniffer-missing-{Guid.NewGuid():N}.pcap");

        var error = Assert.Throws<CaptureFileException>(() => CaptureFileReader.Open(path));

        Assert.Equal(path, error.Path);
        Assert.Null(error.Offset);
        Assert.Contains("cannot open", error.Message);
    }

    [Fact]
    public void Directory_is_a_capture_file_error()
    {
        var error = Assert.Throws<CaptureFileException>(() => CaptureFileReader.Open(Path.GetTempPath()));

        Assert.Contains("cannot", error.Message);
    }
}
