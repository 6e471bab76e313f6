using System.Text;
using Sniffer.Core.Flows;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Dissectors.Smtp.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>
/// Inputs that once made the work per line grow with what the connection or message already held — bounded or made
/// linear since — still give the records they should. (How the cost grows is measured by
/// tests/Sniffer.Benchmarks' HostileInputBenchmarks; a unit test does not time anything.)
/// </summary>
public class RepeatedWorkTests
{
    private static readonly byte[] FailedAuth = "AUTH PLAIN AHVzZXIAcGFzcw==\r\n"u8.ToArray(); // user, pass
    private static readonly byte[] AuthFailed = "535 5.7.8 authentication failed\r\n"u8.ToArray();

    [Fact]
    public void A_session_lists_a_thousand_AUTH_exchanges_and_MAIL_is_charged_to_the_last_that_succeeded()
    {
        var driver = new StreamDriver(new SmtpDissectorFactory()).Send(Direction.ServerToClient, "220 mx ESMTP\r\n"u8);
        for (int i = 0; i < 1_001; i++) driver.Send(Direction.ClientToServer, FailedAuth).Send(Direction.ServerToClient, AuthFailed);
        driver.Send(Direction.ClientToServer, "AUTH PLAIN AGJvc3MAcHc=\r\n"u8).Send(Direction.ServerToClient, "235 2.7.0 ok\r\n"u8); // boss, pw
        // RFC 4954 §4: an AUTH after a successful one is refused and changes nothing.
        for (int i = 0; i < 5; i++) driver.Send(Direction.ClientToServer, FailedAuth).Send(Direction.ServerToClient, "503 5.5.1 already authenticated\r\n"u8);
        driver.Send(Direction.ClientToServer, "MAIL FROM:<a@example.com>\r\n"u8).Send(Direction.ServerToClient, "250 OK\r\n"u8)
            .Send(Direction.ClientToServer, "RCPT TO:<b@example.com>\r\n"u8).Send(Direction.ServerToClient, "250 OK\r\n"u8)
            .Send(Direction.ClientToServer, "DATA\r\n"u8).Send(Direction.ServerToClient, "354 go\r\n"u8)
            .Send(Direction.ClientToServer, "Subject: x\r\n\r\nhi\r\n.\r\n"u8).Send(Direction.ServerToClient, "250 queued\r\n"u8)
            .End();

        SmtpSession session = driver.Records<SmtpSession>().Single();
        Assert.Equal(1_000, session.Authentications.Count);
        Assert.All(session.Authentications, a => Assert.Equal((SmtpAuthOutcome.Failed, "user"), (a.Outcome, a.User)));
        Assert.Equal("boss", driver.Records<SmtpTransaction>().Single().AuthUser);
        Assert.Equal("more than 1000 AUTH exchanges in the session: the rest are followed, not listed",
            Assert.Single(driver.Anomalies, a => a.Kind == SmtpAnomalyKinds.SessionLimit).Detail);
    }

    [Fact]
    public void A_reply_of_eight_hundred_lines_arriving_a_line_at_a_time_is_one_reply()
    {
        string line = "250-" + new string('x', 120) + "\r\n";
        var driver = new StreamDriver(new SmtpDissectorFactory(), chunkSize: line.Length)
            .Send(Direction.ServerToClient, "220 mx ESMTP\r\n"u8)
            .Send(Direction.ClientToServer, "EHLO me\r\n"u8)
            .Send(Direction.ServerToClient, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, 799)) + "250 SIZE 1000\r\n"))
            .End();

        SmtpReply reply = driver.Records<SmtpSession>().Single().Commands.Single().Reply!;
        Assert.Equal(250, reply.Code);
        Assert.Equal(800, reply.Lines.Count);
        Assert.Equal("SIZE 1000", reply.Lines[^1]);
    }

    [Fact]
    public void A_gap_inside_a_multiline_reply_forgets_the_lines_read_before_it()
    {
        var driver = new StreamDriver(new SmtpDissectorFactory())
            .Send(Direction.ServerToClient, "220 mx ESMTP\r\n"u8)
            .Send(Direction.ClientToServer, "EHLO me\r\n"u8)
            .Send(Direction.ServerToClient, "250-mx greets me\r\n250-PIPELINING\r\n"u8)
            .Gap(Direction.ServerToClient, 100)
            .Send(Direction.ServerToClient, "250 SIZE 1000\r\n"u8)
            .End();

        Assert.Equal(["SIZE 1000"], driver.Records<SmtpSession>().Single().Commands.Single().Reply!.Lines);
    }

    [Fact]
    public void A_long_command_line_sent_a_few_bytes_at_a_time_is_read_whole()
    {
        string name = new('h', 20_000);
        var driver = new StreamDriver(new SmtpDissectorFactory(), chunkSize: 7)
            .Send(Direction.ServerToClient, "220 mx ESMTP\r\n"u8)
            .Send(Direction.ClientToServer, Encoding.ASCII.GetBytes($"HELO {name}\r\nNOOP\r\n")).Send(Direction.ServerToClient, "250 mx\r\n250 OK\r\n"u8)
            .End();

        IReadOnlyList<SmtpCommand> commands = driver.Records<SmtpSession>().Single().Commands;
        Assert.Equal([("HELO", 250), ("NOOP", 250)], commands.Select(c => (c.Verb, c.Reply!.Code)));
        Assert.StartsWith(new string('h', 4_000), commands[0].Argument);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n")]
    [InlineData("MIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n")]
    // A digest's part without a Content-Type is message/rfc822 (RFC 2046 §5.1.5); a comment before the type, or a type
    // on the continuation line, is left to MimeKit to read: each may start an attached message's header section.
    [InlineData("MIME-Version: 1.0\r\nContent-Type: multipart/digest; boundary=b\r\n\r\n--b\r\n\r\n")]
    [InlineData("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: (attached) message/rfc822\r\n\r\n")]
    [InlineData("MIME-Version: 1.0\r\nContent-Type:\r\n message/rfc822\r\n\r\n")]
    public void A_header_field_folded_over_more_than_64_KB_is_reported_instead_of_parsed(string before)
    {
        // A field of five-byte continuation lines: none is long, but MimeKit would grow the field line by line.
        string folded = "X-Junk: a\r\n" + string.Concat(Enumerable.Repeat(" bb\r\n", 14_000));
        MessageSummary summary = MessageSummary.Parse(Encoding.ASCII.GetBytes("From: x@example.com\r\n" + before + folded + "Subject: s\r\n\r\nbody\r\n").AsMemory());
        Assert.Equal([HeaderSection.OverlongHeaderProblem], summary.Problems);
    }

    [Theory]
    [InlineData("From: x@y\r\nSubject: listing\r\n\r\n")]
    [InlineData("From: x@y\r\nSubject: listing\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n")]
    [InlineData("From: x@y\r\nSubject: listing\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: TEXT/plain\r\n\r\n")]
    public void A_text_body_that_begins_like_a_field_with_a_long_indented_listing_is_parsed(string head)
    {
        // Only a message/* body starts with a header section: text that opens with "Note:" is text (RFC 2045 §5.2: no
        // Content-Type is text/plain), however long the indented lines after it.
        string listing = "Note: the listing follows\r\n" + string.Concat(Enumerable.Range(1, 4_000).Select(i => $"    line {i} of the listing\r\n"));
        string tail = head.Contains("--b", StringComparison.Ordinal) ? "--b--\r\n" : "";
        MessageSummary summary = MessageSummary.Parse(Encoding.ASCII.GetBytes(head + listing + tail).AsMemory());
        Assert.Empty(summary.Problems);
        Assert.Equal("listing", summary.Subject);
        Assert.True(listing.Length > HeaderSection.MaxLineBytes);
    }

    [Fact]
    public void A_folded_field_of_ordinary_length_is_parsed()
    {
        string references = "References: " + string.Join("\r\n ", Enumerable.Range(1, 400).Select(i => $"<message-{i}@example.com>")) + "\r\n";
        MessageSummary summary = MessageSummary.Parse(Encoding.ASCII.GetBytes("From: x@y\r\nSubject: hi\r\n" + references + "\r\nbody\r\n").AsMemory());
        Assert.Empty(summary.Problems);
        Assert.Equal("hi", summary.Subject);
    }

    [Fact]
    public void An_indented_listing_in_a_body_is_text_not_a_folded_field()
    {
        string listing = "Example:\r\n" + string.Concat(Enumerable.Range(1, 4_000).Select(i => $"    line {i} of the listing\r\n"));
        MessageSummary summary = MessageSummary.Parse(Encoding.ASCII.GetBytes(
            "From: x@y\r\nSubject: listing\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n" + listing + "--b--\r\n").AsMemory());
        Assert.Empty(summary.Problems);
        Assert.Equal("listing", summary.Subject);
        Assert.True(listing.Length > HeaderSection.MaxLineBytes);
    }
}
