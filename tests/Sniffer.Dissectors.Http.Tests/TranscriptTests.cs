using Sniffer.TestSupport.Dissection;
using Sniffer.Dissectors.Http.Records;
using Sniffer.Dissectors.Http.Tests.Support;
using Xunit;

namespace Sniffer.Dissectors.Http.Tests;

/// <summary>Conversations kept as text transcripts, each with its expected summary, played whole and byte by byte.</summary>
public class TranscriptTests
{
    [Theory]
    [InlineData("page-load-keep-alive.txt")]
    [InlineData("proxy-connect.txt")]
    [InlineData("pipelined-chunked.txt")]
    public void TranscriptGivesItsExpectedSummary(string name)
    {
        Transcript transcript = Transcript.Load(name);
        foreach (int chunkSize in new[] { 1, int.MaxValue })
        {
            ConversationDriver driver = transcript.Play(new ConversationDriver(chunkSize));
            Assert.Equal(transcript.Expected, driver.Transactions.Select(Summarise));
            // Transcripts are well-formed: any leniency would mean a miscounted length.
            Assert.DoesNotContain(driver.Anomalies, a => a.Kind == HttpAnomalyKinds.LenientSyntax);
        }
    }

    private static string Summarise(HttpTransaction t)
    {
        var parts = new List<string> { t.Index.ToString(), t.Request?.Method ?? "?", t.Request?.Target ?? "?" };
        if (t.Request?.Body is { } requestBody) parts.Add($"{requestBody.DecodedLength}B");
        parts.Add("->");
        parts.Add(string.Join(',', [.. t.InterimResponses.Select(i => i.StatusCode), t.Response?.StatusCode ?? 0]));
        if (t.Response?.Body is { } body) parts.Add($"{body.MediaType} {body.DecodedLength}B");
        parts.AddRange(t.SetCookies.Select(c => "set-cookie:" + c.Name));
        parts.AddRange(t.Cookies.Select(c => "cookie:" + c.Name));
        parts.Add(t.Caching.Revalidation.ToString());
        if (t.HandOff != HttpHandOff.None) parts.Add(t.HandOff.ToString());
        if (t.Credentials?.UserName is { } user) parts.Add("user:" + user);
        return string.Join(' ', parts);
    }
}
