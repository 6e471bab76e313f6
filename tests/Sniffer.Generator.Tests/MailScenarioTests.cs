using System.Security.Cryptography;
using MimeKit;
using Sniffer.Servers.Mail;
using Xunit;

namespace Sniffer.Generator.Tests;

/// <summary>The SMTP and IMAP scenarios against the project's mail servers: the logged MD5s are those of the stored and fetched bytes.</summary>
public sealed class MailScenarioTests : IAsyncLifetime
{
    private LoopbackServers _servers = null!;
    private GeneratorLog _log = null!;

    public async Task InitializeAsync()
    {
        _servers = await LoopbackServers.StartAsync();
        _log = await LoopbackServers.RunAsync(_servers.Options(11, Scenario.Smtp, Scenario.Imap));
    }

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public void EveryMailIsStoredWithTheLoggedBytes()
    {
        Assert.Equal(4, _log.Mails.Count);
        foreach (MailEntry mail in _log.Mails)
        {
            Assert.Null(mail.Error);
            Assert.NotEmpty(mail.RecipientsAccepted);
            foreach (string recipient in mail.RecipientsAccepted)
            {
                Assert.True(_servers.Store.TryResolveUser(recipient, out string user));
                byte[] stored = StoredBytes(user, mail.MessageId);
                Assert.Equal(mail.Size, stored.Length);
                Assert.Equal(mail.Md5, Convert.ToHexStringLower(MD5.HashData(stored)));
            }
        }
    }

    [Fact]
    public void RefusedRecipientIsLoggedAsRefused()
    {
        MailEntry withRefusal = Assert.Single(_log.Mails, mail => mail.RecipientsRefused.Count > 0);
        RefusedRecipient refused = Assert.Single(withRefusal.RecipientsRefused);
        Assert.Equal("nobody@sniffer.test", refused.Address);
        Assert.Equal(550, refused.Status);
        Assert.DoesNotContain("nobody@sniffer.test", withRefusal.RecipientsAccepted);
        Assert.True(withRefusal.RecipientsAccepted.Count >= 2);
        Assert.Equal(1, _log.Totals.RecipientsRefused);
    }

    [Fact]
    public void BothSaslMechanismsAreUsed()
    {
        Assert.Equal(["PLAIN", "LOGIN"], _log.Mails.Where(mail => mail.Scenario == Scenario.Smtp).Select(mail => mail.Auth).Distinct());
        Assert.All(_log.Mails, mail => Assert.True(mail.Attachments >= 1));
    }

    [Fact]
    public void ImapFetchesTheBytesSmtpSent()
    {
        var wholeMessages = _log.ImapFetches.Where(fetch => fetch.Section == "BODY[]").ToList();
        // Every accepted delivery is read back by its recipient, and the mail sent during IDLE too.
        int deliveries = _log.Mails.Sum(mail => mail.RecipientsAccepted.Count);
        Assert.Equal(deliveries, wholeMessages.Count);
        foreach (ImapFetchEntry fetch in wholeMessages)
        {
            MailEntry sent = Assert.Single(_log.Mails, mail => mail.MessageId == fetch.MessageId);
            Assert.Contains(fetch.User, sent.RecipientsAccepted);
            Assert.Equal(sent.Md5, fetch.Md5);
            Assert.Equal(sent.Size, fetch.Size);
        }
        Assert.Equal(wholeMessages.Count, _log.ImapFetches.Count(fetch => fetch.Section == "BODY[HEADER]"));
        Assert.Empty(_log.Errors);
    }

    [Fact]
    public void MailSentDuringIdleIsAnnouncedAndFetched()
    {
        MailEntry idleMail = Assert.Single(_log.Mails, mail => mail.Scenario == Scenario.Imap);
        ImapFetchEntry fetched = Assert.Single(_log.ImapFetches, fetch => fetch.ArrivedDuringIdle && fetch.Section == "BODY[]");
        Assert.Equal(idleMail.MessageId, fetched.MessageId);
        Assert.Equal(idleMail.Md5, fetched.Md5);
    }

    [Fact]
    public void FetchedMessagesAreMarkedSeen()
    {
        foreach (ImapFetchEntry fetch in _log.ImapFetches.Where(fetch => !fetch.ArrivedDuringIdle))
        {
            Assert.True(_servers.Store.TryResolveUser(fetch.User, out string user));
            StoredMessage stored = Assert.Single(_servers.Store.Snapshot(user, "INBOX").Messages, message => message.Uid == fetch.Uid);
            Assert.Contains(MailFlags.Seen, stored.Flags);
        }
    }

    private byte[] StoredBytes(string user, string messageId)
    {
        var matches = _servers.Store.Snapshot(user, "INBOX").Messages
            .Where(message => MimeMessage.Load(new MemoryStream(message.Raw.ToArray())).MessageId == messageId)
            .ToList();
        return Assert.Single(matches).Raw.ToArray();
    }
}
