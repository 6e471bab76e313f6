using Sniffer.TestSupport.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Imap.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Imap.Tests;

/// <summary>Conversations kept as text transcripts, each with its expected summary, played whole, in odd chunks and byte by byte.</summary>
public class TranscriptTests
{
    public static TheoryData<string> Names() => new(
        "dovecot-login-select-fetch.txt", "literal-plus-append.txt", "pipelined.txt", "idle.txt", "failed-login.txt", "starttls.txt",
        "gmail-store-move-expunge.txt", "exchange-header-listing.txt", "refused-literal.txt");

    [Theory]
    [MemberData(nameof(Names))]
    public void TranscriptGivesItsExpectedSummary(string name)
    {
        Transcript transcript = Transcript.Load(name);
        foreach (int chunkSize in new[] { int.MaxValue, 7, 1 })
        {
            ConversationDriver driver = transcript.Play(new ConversationDriver(chunkSize));
            Assert.Equal(transcript.Expected, Summary.Of(driver.Sink.Records));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SplittingATurnAnywhereChangesNothing(string name)
    {
        Transcript transcript = Transcript.Load(name);
        for (int turn = 0; turn < transcript.Turns.Count; turn++)
        {
            for (int at = 1; at < transcript.Turns[turn].Bytes.Length; at++)
            {
                var driver = new ConversationDriver();
                for (int i = 0; i < transcript.Turns.Count; i++)
                {
                    var (direction, bytes) = transcript.Turns[i];
                    if (i != turn)
                    {
                        driver.Send(direction, bytes);
                        continue;
                    }
                    driver.Send(direction, bytes.AsSpan(0, at)).Send(direction, bytes.AsSpan(at));
                }
                Assert.Equal(transcript.Expected, Summary.Of(driver.EndBoth().Sink.Records));
            }
        }
    }

    [Fact]
    public void NothingInTheTranscriptsIsAnAnomaly()
    {
        foreach (string name in Names())
        {
            Assert.Empty(Transcript.Load(name).Play(new ConversationDriver(3)).Sink.Records.OfType<Anomaly>());
        }
    }
}
