using Sniffer.TestSupport;
using System.Text;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>curl, a client we did not write, speaking SMTP and IMAP to the test servers.</summary>
public sealed class CurlTests
{
    [CurlFact]
    public async Task Curl_delivers_over_smtp_and_reads_the_mail_back_over_imap()
    {
        await using MailServers servers = await MailServers.StartAsync();
        string body = "From: carol@sniffer.test\r\nTo: alice@sniffer.test\r\nSubject: From curl\r\n\r\nHello from curl.\r\n.leading dot survives\r\n";
        string file = Path.Combine(Path.GetTempPath(), $"sniffer-curl-{Guid.NewGuid():N}.eml");
        await File.WriteAllTextAsync(file, body, Encoding.ASCII);
        try
        {
            (int smtpExit, _, string smtpError) = await RunCurlAsync(
                $"smtp://127.0.0.1:{servers.Smtp.EndPoint.Port}/client.test",
                "--mail-from", "carol@sniffer.test", "--mail-rcpt", "alice@sniffer.test", "-T", file);
            Assert.True(smtpExit == 0, smtpError);
        }
        finally
        {
            File.Delete(file);
        }
        StoredMessage stored = Assert.Single(servers.Store.Snapshot("alice", "INBOX").Messages);
        Assert.Equal(body, Encoding.ASCII.GetString(stored.Raw.Span));

        (int imapExit, string fetched, string imapError) = await RunCurlAsync(
            $"imap://127.0.0.1:{servers.Imap.EndPoint.Port}/INBOX;UID={stored.Uid}", "-u", "alice:secret");
        Assert.True(imapExit == 0, imapError);
        Assert.Equal(body, fetched);
        Assert.Contains(MailFlags.Seen, servers.Store.Snapshot("alice", "INBOX").Messages[0].Flags);

        (int searchExit, string found, string searchError) = await RunCurlAsync(
            $"imap://127.0.0.1:{servers.Imap.EndPoint.Port}/INBOX?SUBJECT%20curl", "-u", "alice@sniffer.test:secret");
        Assert.True(searchExit == 0, searchError);
        Assert.Equal("* SEARCH 1", found.TrimEnd());
    }

    [CurlFact]
    public async Task Curl_is_refused_for_a_rejected_recipient()
    {
        await using MailServers servers = await MailServers.StartAsync();
        string file = Path.Combine(Path.GetTempPath(), $"sniffer-curl-{Guid.NewGuid():N}.eml");
        await File.WriteAllTextAsync(file, "Subject: nobody\r\n\r\nx\r\n", Encoding.ASCII);
        try
        {
            (int exit, _, string error) = await RunCurlAsync(
                $"smtp://127.0.0.1:{servers.Smtp.EndPoint.Port}", "--mail-from", "carol@sniffer.test", "--mail-rcpt", "nobody@sniffer.test", "-T", file);
            // curl exits 55 (failed sending network data) when its only recipient is refused, and quotes the reply.
            Assert.NotEqual(0, exit);
            Assert.Contains("550", error);
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Empty(servers.Store.Snapshot("alice", "INBOX").Messages);
    }

    private static Task<ProcessResult> RunCurlAsync(string url, params string[] arguments) =>
        ExternalTool.RunAsync(ExternalTool.Curl, ["--silent", "--show-error", "--max-time", "20", url, .. arguments]);
}
