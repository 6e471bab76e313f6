using System.Text;
using BenchmarkDotNet.Attributes;
using Sniffer.Benchmarks.Support;
using Sniffer.Benchmarks.Traffic;
using Sniffer.Dissectors.Mail;

namespace Sniffer.Benchmarks;

/// <summary>
/// <see cref="MessageSummary.Parse(ReadOnlyMemory{byte})"/> of the message the SMTP session of
/// <see cref="StreamDissectorBenchmarks"/> submits (about 5 KB, multipart/mixed with text, HTML and a base64
/// attachment): MimeKit's parse, and the sizes and hashes of every decoded part. The SMTP dissector pays this once per
/// message, so this shows how much of a session's cost is the message and how much the protocol.
/// </summary>
[MemoryDiagnoser]
public class MailSummaryBenchmarks
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes(SmtpTraffic.SubmittedMessage());

    public static long MessageBytes => Message.Length;

    [GlobalSetup]
    public void Setup()
    {
        if (SubmittedMessage().Attachments.Count != 1) throw new InvalidOperationException("the message did not parse into its attachment");
    }

    [Benchmark]
    [BytesPerOperation(nameof(MessageBytes))]
    public MessageSummary SubmittedMessage() => MessageSummary.Parse(Message.AsMemory());
}
