using Sniffer.TestSupport.Dissection;
using Sniffer.Core.Dissection;
using Sniffer.Dissectors.Smtp.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Smtp.Tests;

/// <summary>Dialogues kept as text transcripts, each with its expected summary, played in chunks of every awkward size.</summary>
public class TranscriptTests
{
    public static TheoryData<string> Transcripts =>
    [
        "pipelined-transactions.txt",
        "bdat-chunking.txt",
        "login-refusals.txt",
        "data-gaps.txt",
        "starttls.txt",
        "spoofed-8bit.txt",
    ];

    [Theory]
    [MemberData(nameof(Transcripts))]
    public void TranscriptGivesItsExpectedSummaryWhateverTheChunking(string name)
    {
        Transcript transcript = Transcript.Load(name);
        foreach (int chunkSize in new[] { int.MaxValue, 1, 2, 3, 5, 64 })
        {
            StreamDriver driver = transcript.Play(new StreamDriver(new SmtpDissectorFactory(), chunkSize));
            string actual = string.Join('\n', SmtpSummary.Of(driver.Sink.Records));
            Assert.True(string.Join('\n', transcript.Expected) == actual, $"{name} in chunks of {chunkSize}:\n{actual}");
            Assert.DoesNotContain(DissectStatus.Violation, driver.Statuses);
        }
    }
}
