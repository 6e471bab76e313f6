using System.Text;
using MimeKit;
using Xunit;

namespace Sniffer.Servers.Mail.Tests;

/// <summary>swaks, the SMTP test tool, as a second outside client: pipelining, AUTH, a refused recipient.</summary>
public sealed class SwaksTests
{
    [SwaksFact]
    public async Task Swaks_pipelines_authenticates_and_delivers_to_the_accepted_recipient()
    {
        await using MailServers servers = await MailServers.StartAsync();
        (int exit, string output, string error) = await ExternalTool.RunAsync(ExternalTool.Swaks,
            "--server", "127.0.0.1", "--port", servers.Smtp.EndPoint.Port.ToString(), "--helo", "swaks.test",
            "--pipeline", "--auth", "LOGIN", "--auth-user", "alice", "--auth-password", "secret",
            "--from", "alice@sniffer.test", "--to", "bob@sniffer.test,nobody@sniffer.test",
            "--header", "Subject: From swaks", "--body", "Sent by swaks.\n.dot line\n", "--timeout", "20");
        Assert.True(exit == 0, output + error);
        Assert.Contains("550 5.1.1 <nobody@sniffer.test>: Recipient address rejected", output);
        Assert.Contains("235 2.7.0 Authentication successful", output);

        StoredMessage stored = Assert.Single(servers.Store.Snapshot("bob", "INBOX").Messages);
        Assert.Equal("From swaks", MimeMessage.Load(new MemoryStream(stored.Raw.ToArray())).Subject);
        // swaks dot-stuffed the line; the store has it as written.
        string raw = Encoding.ASCII.GetString(stored.Raw.Span);
        Assert.Contains("\r\n.dot line\r\n", raw);
        Assert.DoesNotContain("..dot line", raw);
        Assert.Equal(stored.Raw.ToArray(), Assert.Single(servers.Store.Snapshot("alice", "Sent").Messages).Raw.ToArray());
    }
}
