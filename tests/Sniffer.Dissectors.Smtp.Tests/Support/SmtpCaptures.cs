using Sniffer.Core.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;
using Sniffer.Engine;
using Sniffer.TestSupport;

namespace Sniffer.Dissectors.Smtp.Tests.Support;

/// <summary>What the whole pipeline (decoding, reassembly, SMTP) makes of a capture file.</summary>
internal sealed class SmtpCaptures
{
    private SmtpCaptures(IReadOnlyList<SnifferRecord> records) => Records = records;

    public IReadOnlyList<SnifferRecord> Records { get; }

    public IReadOnlyList<SmtpSession> Sessions => Records.OfType<SmtpSession>().OrderBy(s => s.TimeNs).ToList();

    public IReadOnlyList<SmtpTransaction> Transactions => Records.OfType<SmtpTransaction>().OrderBy(t => t.TimeNs).ToList();

    public IReadOnlyList<MailMessage> Messages => Transactions.Where(t => t.Message is not null).Select(t => t.Message!).ToList();

    public IEnumerable<Anomaly> Anomalies => Records.OfType<Anomaly>();

    /// <param name="serverPort">A port to force to SMTP, as <c>--map</c> does, for servers off 25 and 587.</param>
    public static SmtpCaptures Analyse(string path, ushort? serverPort = null)
    {
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions(), sink))
        {
            // Until AnalysisPipeline registers SMTP itself.
            if (pipeline.Registry.Find("smtp") is null) pipeline.Registry.Add(new SmtpDissectorFactory());
            if (serverPort is { } port) pipeline.Registry.Map(port, "smtp");
            CaptureFileAnalysis.Read([path], pipeline);
        }
        return new SmtpCaptures(sink.Records);
    }
}
