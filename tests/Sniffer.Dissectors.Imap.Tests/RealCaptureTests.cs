using Sniffer.Core.Records;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Engine;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Dissectors.Imap.Tests;

/// <summary>Recorded captures against what the client logged and what Arkime extracted.</summary>
public class RealCaptureTests
{
    [SharedCapturesFact]
    public void CurlAgainstDovecotGivesEveryCommandItsStatusAndEveryMessageItsSize()
    {
        ListSink sink = Analyse("real/imap-curl-dovecot.pcap", 11143);

        // Ten curl runs (real-truth/client/imap-curl-dovecot.cmds); the one with a bad password exits 67 after NO.
        string[] expected =
        [
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 LIST OK|A004 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 SELECT OK|A004 SEARCH OK|A005 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 SELECT OK|A004 UID FETCH OK|A005 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 SELECT OK|A004 UID FETCH OK|A005 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 SELECT OK|A004 UID FETCH OK|A005 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 EXAMINE OK|A004 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 STATUS OK|A004 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 SELECT OK|A004 UID FETCH OK|A005 LOGOUT OK",
            "A001 CAPABILITY OK|A002 AUTHENTICATE NO",
            "A001 CAPABILITY OK|A002 AUTHENTICATE OK|A003 SELECT OK|A004 UID FETCH OK|A005 LOGOUT OK",
        ];
        var commands = sink.Records.OfType<ImapCommandRecord>().ToList();
        Assert.Equal(expected, commands.GroupBy(c => c.FlowId).OrderBy(g => g.Key)
            .Select(g => string.Join('|', g.OrderBy(c => c.Index).Select(c => $"{c.Tag} {c.Command} {c.Status}"))));
        Assert.All(commands, c => Assert.NotNull(c.LatencyNs));
        Assert.Equal(["alice", "bob"], commands.Where(c => c is { Command: "AUTHENTICATE", Status: "OK" }).Select(c => c.Credentials!.UserName).Distinct());
        Assert.All(commands, c => Assert.DoesNotContain("AGFsaWNl", c.Arguments));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], commands.Single(c => c.Command == "SEARCH").SearchResults);

        // The literal sizes dovecot announced (real-truth/imap-curl-dovecot/imap.tsv); tshark loses the lines after them, we do not.
        var transfers = sink.Records.OfType<ImapMessageTransfer>().ToList();
        Assert.Equal(["INBOX 2 BODY[] 9182", "INBOX 4 BODY[HEADER] 326", "INBOX 5 BODY[] 411175", "Archive 1 BODY[] 363", "INBOX 1 BODY[] 9182"],
            transfers.Select(t => $"{t.Folder} {t.Uid} {t.Item} {t.Size}"));
        Assert.All(transfers, t => Assert.True(t.Complete && t.CapturedBytes == t.Size));
        Assert.Equal("Report with attachments", transfers[0].Subject);
        Assert.Equal(4, sink.Records.OfType<MailMessage>().Count());
        Assert.DoesNotContain(sink.Records.OfType<Anomaly>(), a => a.Source == "imap");
    }

    [SharedCapturesFact]
    public void ExchangeSessionFromArkimesSuiteGivesArkimesFolderSubjectsAndAddresses()
    {
        ListSink sink = Analyse("peers/arkime/tests/pcap/imap.pcap", 143);
        ImapSession session = Assert.Single(sink.Records.OfType<ImapSession>());
        ImapFolder inbox = Assert.Single(session.Folders, f => f.Messages.Count > 0);

        // email.folder, email.subject, email.src of peers-oracles/arkime/tests/pcap/imap.test.
        Assert.Equal("INBOX", inbox.Name);
        string[] arkimeSubjects =
        [
            "Fwd: Check this out!!", "Fwd: Fw: A new John 3:16", "Fwd: Jokes.com Joke Mail.", "Novell connection problems this morning",
            "RE: pipes implementation of bkupexec agent", "RE: remote re-install of hp workstation", "RE: we should upgrade to bind 8.2.2p3... ",
            "Re: The problem with NDS userids and bindery logins sometimes wor", "Re: how to add/commit sample ethereal captures?",
            "Testing of backups on UMR-CC-FS3", "Veteran's Day", "ghost 5.1b can't use a 5.1d image",
        ];
        // Arkime keeps only the first line of a folded Subject, and its trailing blanks; MimeKit unfolds (RFC 5322 §2.2.3) and trims.
        Assert.Equal(arkimeSubjects.Select(s => s.TrimEnd()), inbox.Messages.Select(m => FirstLine(m.Subject!)).Distinct().Order(StringComparer.Ordinal));
        string[] arkimeFrom =
        [
            "gram@xiexie.org", "hardcase_890@yahoo.com", "hinze@umr.edu", "hunt84jh@hotmail.com", "jedg@umr.edu", "obrennan@umr.edu",
            "turner@umr.edu", "uetrecht@umr.edu",
        ];
        Assert.Equal(arkimeFrom, inbox.Messages.SelectMany(m => m.From).Select(a => a.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal));
        // Arkime's email.dst reads only the first line of a folded To, so its ten addresses are a subset of ours.
        string[] arkimeTo =
        [
            "bonehead83_98@yahoo.com", "cc-nt@umr.edu", "cc-pgmr@umr.edu", "dmadrid@semo.net", "lsmsde@cs.com", "nneul@umr.edu", "rwa@umr.edu",
            "scentryk9@aol.com", "silverdazees@hotmail.com", "vbkay02_2000@yahoo.com",
        ];
        var ours = inbox.Messages.SelectMany(m => m.To.Concat(m.Cc)).Select(a => a.ToLowerInvariant()).ToHashSet();
        Assert.Subset(ours, arkimeTo.ToHashSet());
        Assert.Contains("ddicus@writeme.com", ours);
        Assert.Equal(13, inbox.Messages.Count);
    }

    private static string FirstLine(string subject)
    {
        // MimeKit unfolds by dropping the CRLF and keeping the folding whitespace: cut at the first run of it.
        int fold = subject.IndexOf("   ", StringComparison.Ordinal);
        return fold < 0 ? subject : subject[..fold];
    }

    private static ListSink Analyse(string relativePath, ushort port)
    {
        var sink = new ListSink();
        using (var pipeline = new AnalysisPipeline(new PipelineOptions(), sink))
        {
            // Until the integrator registers the factory in AnalysisPipeline.BuildRegistry.
            if (pipeline.Registry.Find("imap") is null) pipeline.Registry.Add(new ImapDissectorFactory());
            pipeline.Registry.Map(port, "imap");
            CaptureFileAnalysis.Read([RepositoryPaths.Shared(relativePath)], pipeline);
        }
        return sink;
    }
}
