using System.Buffers;
using System.Text;
using Sniffer.Dissectors.Smtp.Parsing;
using Sniffer.Dissectors.Smtp.Records;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>The stateless parsers: whole elements only, every prefix needs more data and consumes nothing (Kestrel's contract).</summary>
public class ParserTests
{
    private const string MultiLineReply = "250-mx.example.org greets you\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250 2.0.0 CHUNKING\r\n";

    [Fact]
    public void EveryPrefixOfAReplyNeedsMoreData()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(MultiLineReply);
        for (int length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            Assert.Equal(SmtpParseStatus.NeedMoreData, SmtpReplyParser.TryParse(ref reader, 512, 100, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Fact]
    public void AMultiLineReplyIsOneReply()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(MultiLineReply + "221 Bye\r\n")));
        Assert.Equal(SmtpParseStatus.Complete, SmtpReplyParser.TryParse(ref reader, 512, 100, out SmtpReply? reply));
        Assert.Equal(250, reply!.Code);
        Assert.Equal(["mx.example.org greets you", "PIPELINING", "SIZE 10485760", "2.0.0 CHUNKING"], reply.Lines);
        Assert.Null(reply.EnhancedStatus);
        Assert.Equal(MultiLineReply.Length, reader.Consumed);
    }

    [Theory]
    [InlineData("550 5.1.1 No such user\r\n", 550, "5.1.1")]
    [InlineData("354\r\n", 354, null)]
    [InlineData("250 2.0.0\r\n", 250, "2.0.0")]
    [InlineData("421 bare LF\n", 421, null)]
    public void RepliesCarryTheirCodeAndEnhancedStatus(string text, int code, string? enhanced)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(SmtpParseStatus.Complete, SmtpReplyParser.TryParse(ref reader, 512, 100, out SmtpReply? reply));
        Assert.Equal((code, enhanced), (reply!.Code, reply.EnhancedStatus));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n")]
    [InlineData("25 short\r\n")]
    [InlineData("650 out of range\r\n")]
    [InlineData("250-first\r\nnot a reply line\r\n")]
    public void NonRepliesAreInvalid(string text)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(SmtpParseStatus.Invalid, SmtpReplyParser.TryParse(ref reader, 512, 100, out _));
        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void LinesLongerThanTheLimitAreRejectedWithoutWaitingForTheirEnd()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("250 " + new string('x', 600))));
        Assert.Equal(SmtpParseStatus.LineTooLong, SmtpReplyParser.TryParse(ref reader, 512, 100, out _));
        reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("MAIL FROM:<" + new string('x', 600))));
        Assert.Equal(SmtpParseStatus.LineTooLong, SmtpCommandParser.TryParse(ref reader, 512, out _));
    }

    [Fact]
    public void EveryPrefixOfACommandNeedsMoreData()
    {
        byte[] bytes = "MAIL FROM:<alice@example.org> SIZE=300\r\n"u8.ToArray();
        for (int length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            Assert.Equal(SmtpParseStatus.NeedMoreData, SmtpCommandParser.TryParse(ref reader, 512, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Theory]
    [InlineData("mail FROM:<a@b>", "MAIL", "FROM:<a@b>")]
    [InlineData("QUIT", "QUIT", "")]
    [InlineData("X-EXPS GSSAPI", "X-EXPS", "GSSAPI")]
    public void CommandsSplitIntoVerbAndArgument(string line, string verb, string argument)
    {
        Assert.True(SmtpCommandParser.Parse(Encoding.ASCII.GetBytes(line), out SmtpCommandLine command));
        Assert.Equal((verb, argument), (command.Verb, command.ArgumentText));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" leading space")]
    [InlineData("\x16\x03\x01\x02")]
    [InlineData("MAIL FROM:<a@b>\x00")]
    public void GarbageIsNoCommand(string line) => Assert.False(SmtpCommandParser.Parse(Encoding.Latin1.GetBytes(line), out _));

    [Theory]
    [InlineData("FROM:<alice@example.org> SIZE=300 BODY=8BITMIME", "alice@example.org", "SIZE=300 BODY=8BITMIME")]
    [InlineData("FROM: <gurpartap@patriots.in>", "gurpartap@patriots.in", "")]
    [InlineData("From:<>", "", "")]
    [InlineData("FROM:alice@example.org", "alice@example.org", "")]
    public void PathsAndParameters(string argument, string path, string parameters)
    {
        Assert.True(SmtpCommandParser.TryParsePath(argument, "FROM:", out string actualPath, out string actualParameters));
        Assert.Equal((path, parameters), (actualPath, actualParameters));
    }

    [Fact]
    public void ParametersByKeyword()
    {
        var parameters = SmtpCommandParser.ParseParameters("size=300 BODY=8BITMIME SMTPUTF8");
        Assert.Equal(("300", "8BITMIME", ""), (parameters["SIZE"], parameters["BODY"], parameters["SMTPUTF8"]));
    }
}
