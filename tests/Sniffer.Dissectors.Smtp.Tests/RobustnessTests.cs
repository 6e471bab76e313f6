using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Dissectors.Smtp.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>Not SMTP, hostile SMTP, limits, and the end of a stream in awkward places: anomalies, never exceptions.</summary>
public class RobustnessTests
{
    [Fact]
    public void BinaryGarbageOnPort25IsAViolationAtTheFirstLine()
    {
        var driver = new StreamDriver(new SmtpDissectorFactory());
        driver.Send(Direction.ClientToServer, [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x0A, 0xFF, 0x00]);
        Assert.Equal(DissectStatus.Violation, driver.Statuses[^1]);
        Assert.Contains(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.InvalidCommand);
        Assert.Single(driver.Records<SmtpSession>());
    }

    [Fact]
    public void AServerThatDoesNotAnswerInRepliesIsAViolation()
    {
        var driver = new StreamDriver(new SmtpDissectorFactory());
        driver.Send(Direction.ServerToClient, "SSH-2.0-OpenSSH_9.6\r\n"u8);
        Assert.Equal(DissectStatus.Violation, driver.Statuses[^1]);
        Assert.Contains(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.InvalidReply);
    }

    [Fact]
    public void PastAThousandUnansweredCommandsTheOldestAreRecordedWithoutAReplyAndTheRestStayPaired()
    {
        var driver = new StreamDriver(new SmtpDissectorFactory())
            .Send(Direction.ServerToClient, "220 mx ESMTP\r\n"u8)
            .Send(Direction.ClientToServer, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 1500).Select(i => $"VRFY user{i}\r\n"))))
            .Send(Direction.ServerToClient, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 1500).Select(i => $"252 user{i}\r\n"))))
            .End();

        IReadOnlyList<SmtpCommand> commands = driver.Records<SmtpSession>().Single().Commands;
        Assert.Equal(1500, commands.Count);
        Assert.All(commands.Take(500), c => Assert.Null(c.Reply));
        // Each later command kept its own reply: the 500 replies before them were counted as the evicted ones'.
        Assert.All(commands.Skip(500), c => Assert.Equal(c.Argument, c.Reply!.Lines[0]));
        Assert.Equal("more than 1000 commands awaiting a reply: the oldest are recorded without one",
            Assert.Single(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.SessionLimit).Detail);
    }

    [Fact]
    public void ASessionListsTenThousandCommandsAndATransactionTenThousandRecipients()
    {
        var driver = new StreamDriver(new SmtpDissectorFactory())
            .Send(Direction.ServerToClient, "220 mx ESMTP\r\n"u8)
            .Send(Direction.ClientToServer, "EHLO c\r\n"u8).Send(Direction.ServerToClient, "250 mx\r\n"u8)
            .Send(Direction.ClientToServer, "MAIL FROM:<a@c>\r\n"u8).Send(Direction.ServerToClient, "250 OK\r\n"u8);
        for (int i = 0; i < 10_005; i++)
        {
            driver.Send(Direction.ClientToServer, Encoding.ASCII.GetBytes($"RCPT TO:<r{i}@mx>\r\n")).Send(Direction.ServerToClient, "250 OK\r\n"u8);
        }
        driver.End();

        Assert.Equal(10_000, driver.Records<SmtpSession>().Single().Commands.Count);
        Assert.Equal(10_000, driver.Records<SmtpTransaction>().Single().Recipients.Count);
        Assert.Single(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.SessionLimit);
    }

    [Fact]
    public void AnOverlongCommandLineIsReportedNotBuffered()
    {
        var settings = DissectorSettings.Default with { MaxLineBytes = 1000 };
        var driver = new StreamDriver(new SmtpDissectorFactory(), chunkSize: 100, settings);
        driver.Send(Direction.ServerToClient, "220 mx\r\n"u8).Send(Direction.ClientToServer, Encoding.ASCII.GetBytes("EHLO " + new string('a', 5000)));
        Assert.Contains(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.LineTooLong);
        // The server's greeting was one call; the violation comes once a little over MaxLineBytes are in, not at the end.
        Assert.InRange(driver.Statuses.IndexOf(DissectStatus.Violation), 10, 12);
    }

    [Fact]
    public void LongDataLinesAreContentNotCommands()
    {
        // RFC 5321 §4.5.3.1.6 limits text lines to 1000 octets, but real mail breaks it: content is streamed, not framed.
        var settings = DissectorSettings.Default with { MaxLineBytes = 1000 };
        string line = new('x', 20_000);
        StreamDriver driver = Dialogue(settings, $"Subject: long\r\n\r\n{line}\r\n");
        MailMessage message = driver.Records<MailMessage>().Single();
        Assert.Equal(17 + line.Length + 2, message.Size);
        Assert.DoesNotContain(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.LineTooLong);
    }

    [Fact]
    public void MessagesPastTheCapAreHashedWholeButKeptInPart()
    {
        var settings = DissectorSettings.Default with { MaxMessageBytes = 100 };
        string content = "Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat("0123456789abcdef\r\n", 50));
        StreamDriver driver = Dialogue(settings, content);
        MailMessage message = driver.Records<MailMessage>().Single();
        Assert.Equal((content.Length, 100, true), (message.Size, message.Raw.Length, message.Truncated));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.ASCII.GetBytes(content))), message.Md5);
        Assert.Contains(driver.Anomalies, a => a.Kind == MailAnomalyKinds.MessageTooLarge);
    }

    [Fact]
    public void ThePasswordIsShownOnlyWhenAsked()
    {
        foreach (bool show in new[] { false, true })
        {
            var driver = new StreamDriver(new SmtpDissectorFactory(), settings: DissectorSettings.Default with { ShowSecrets = show });
            driver.Send(Direction.ServerToClient, "220 mx\r\n"u8)
                .Send(Direction.ClientToServer, "AUTH XOAUTH2 dXNlcj1hbGljZUBleGFtcGxlLm9yZwFhdXRoPUJlYXJlciB5YTI5LnRva2VuAQE=\r\n"u8)
                .Send(Direction.ServerToClient, "235 2.7.0 Accepted\r\n"u8)
                .Send(Direction.ClientToServer, "AUTH CRAM-MD5\r\n"u8)
                .Send(Direction.ServerToClient, "334 PDQxOTI5NDIzNDEuMTI4Mjg0NzJAc291cmNlZm91ci5hbmRyZXcuY211LmVkdT4=\r\n"u8)
                .Send(Direction.ClientToServer, "YWxpY2UgYjkxM2E2MDJjN2VkYTdhNDk1YjRlNmU3MzM0ZDM4OTA=\r\n"u8)
                .Send(Direction.ServerToClient, "535 5.7.8 no\r\n"u8)
                .End();
            SmtpSession session = driver.Records<SmtpSession>().Single();
            Assert.Equal(
                [("XOAUTH2", "alice@example.org", show ? "Bearer ya29.token" : "********", SmtpAuthOutcome.Succeeded),
                 ("CRAM-MD5", "alice", show ? "b913a602c7eda7a495b4e6e7334d3890" : "********", SmtpAuthOutcome.Failed)],
                session.Authentications.Select(a => (a.Mechanism, a.User!, a.Secret!, a.Outcome)));
            Assert.Equal(show ? "XOAUTH2 dXNlcj1hbGljZUBleGFtcGxlLm9yZwFhdXRoPUJlYXJlciB5YTI5LnRva2VuAQE=" : "XOAUTH2 ********", session.Commands[0].Argument);
        }
    }

    [Fact]
    public void TheEndOfTheStreamInsideDataKeepsAnIncompleteMessage()
    {
        var driver = new StreamDriver(new SmtpDissectorFactory());
        driver.Send(Direction.ServerToClient, "220 mx\r\n"u8)
            .Send(Direction.ClientToServer, "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"u8)
            .Send(Direction.ServerToClient, "250 ok\r\n250 ok\r\n354 go\r\n"u8)
            .Send(Direction.ClientToServer, "Subject: cut\r\n\r\nhalf a li"u8)
            .End();
        MailMessage message = driver.Records<MailMessage>().Single();
        Assert.Equal((false, 25L), (message.Complete, message.Size));
        Assert.Equal(SmtpDataOutcome.Unanswered, driver.Records<SmtpTransaction>().Single().DataOutcome);
        Assert.Contains(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.TruncatedMessage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("no headers at all")]
    [InlineData("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n")]
    [InlineData("Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=utf-8''%FF%FE\r\n\r\n!!!not base64===\r\n")]
    [InlineData("From: =?bogus?Q?=ZZ?= <@@>\r\nDate: yesterday\r\nSubject: =?utf-8?B?////?=\r\n\r\n")]
    public void HostileMessagesGiveAPartialSummary(string message)
    {
        MessageSummary summary = MessageSummary.Parse(Encoding.Latin1.GetBytes(message).AsMemory());
        Assert.NotNull(summary);
    }

    [Fact]
    public void DeeplyNestedMultipartsStopAtTheDepthLimit()
    {
        var text = new StringBuilder("Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for (int depth = 1; depth < 200; depth++) text.Append($"--b{depth - 1}\r\nContent-Type: multipart/mixed; boundary=b{depth}\r\n\r\n");
        MessageSummary summary = MessageSummary.Parse(Encoding.ASCII.GetBytes(text.ToString()).AsMemory());
        Assert.True(summary.Body!.DescendantsAndSelf().Count() <= 64);
    }

    private static StreamDriver Dialogue(DissectorSettings settings, string content) =>
        new StreamDriver(new SmtpDissectorFactory(), chunkSize: 333, settings)
            .Send(Direction.ServerToClient, "220 mx\r\n"u8)
            .Send(Direction.ClientToServer, "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"u8)
            .Send(Direction.ServerToClient, "250 ok\r\n250 ok\r\n354 go\r\n"u8)
            .Send(Direction.ClientToServer, Encoding.ASCII.GetBytes(content + ".\r\n"))
            .Send(Direction.ServerToClient, "250 queued\r\n"u8)
            .End();
}
