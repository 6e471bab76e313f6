using Sniffer.Hardening.Tests.Support;
using Sniffer.TestSupport;
using Sniffer.TestSupport.CaptureFiles;
using Sniffer.TestSupport.Synthesis;
using static Sniffer.Hardening.Tests.Support.Conversations;

namespace Sniffer.Hardening.Tests;

/// <summary>
/// Captured bytes never act on the user's terminal (issue 12, item 4): escape sequences in headers, request lines and
/// file names reach <c>sniffer read</c>'s output escaped, with no ESC or other C0/C1 control byte.
/// </summary>
public sealed class TerminalEscapeTests
{
    private const string ClearScreen = "\u001b[2J";
    // OSC 52 asks the terminal to put text on the clipboard; BEL ends it.
    private const string SetClipboard = "\u001b]52;c;ZWNobyBwd25lZA==\u0007";

    [Fact]
    public void Escape_sequences_in_headers_and_request_lines_do_not_reach_the_terminal()
    {
        TcpConversation[] conversations =
        [
            Http($"GET /{ClearScreen} HTTP/1.1\r\nHost: evil{SetClipboard}.test\r\nX-{ClearScreen}: {SetClipboard}\r\n\r\n",
                $"HTTP/1.1 200 {ClearScreen}OK\r\nSet-Cookie: a{SetClipboard}=b\r\nContent-Length: 0\r\n\r\n"),
            // A request line the parser rejects: its bytes go into the anomaly's detail.
            Http($"{SetClipboard} {ClearScreen} HTTP/1.1\r\n\r\n", "", clientPort: 40001),
            NormalHttp(),
        ];
        using TemporaryFile capture = TemporaryFile.WithContent(CaptureAnalysis.Pcap(conversations), ".pcap");

        string output = RunSniffer("read", capture.Path);

        Assert.Contains("http_invalid_request_line", output);
        AssertNoControlCharacters(output);
    }

    [Fact]
    public void Escape_sequences_in_a_capture_file_name_do_not_reach_the_terminal()
    {
        string folder = Directory.CreateTempSubdirectory("sniffer-hardening-").FullName;
        try
        {
            string path = Path.Combine(folder, $"evil{ClearScreen}{SetClipboard}.pcap");
            File.WriteAllBytes(path, CaptureAnalysis.Pcap(NormalHttp()));

            string output = RunSniffer("read", path);

            Assert.Contains("evil", output);
            AssertNoControlCharacters(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void AssertNoControlCharacters(string output)
    {
        int at = output.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        while (at >= 0 && output[at] is '\n' or '\r' || (at >= 0 && output[at] > '\u009f'))
        {
            int next = output.AsSpan(at + 1).IndexOfAnyExceptInRange(' ', '~');
            at = next < 0 ? -1 : at + 1 + next;
        }
        Assert.True(at < 0, $"control character U+{(at < 0 ? 0 : output[at]):X4} at {at}: {output[Math.Max(0, at - 40)..Math.Min(output.Length, at + 40)].Replace("\u001b", "<ESC>")}");
    }

    private static string RunSniffer(params string[] arguments)
    {
        ProcessResult run = SnifferProcess.Run(arguments);
        Assert.True(run.ExitCode == 0, $"sniffer exited {run.ExitCode}: {run.StandardError}");
        return run.StandardOutput + run.StandardError;
    }
}
