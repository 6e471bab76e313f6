using Sniffer.Core.Dissection;
using Sniffer.Core.Records;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;

namespace Sniffer.Analysis.Mail;

/// <summary>
/// A tap over the SMTP and IMAP records: links each mail submitted over SMTP with its downloads over IMAP
/// (<see cref="MailPath"/>) and counts the mail side of the capture (<see cref="MailSummary"/>). Messages are linked
/// by Message-ID (RFC 5322 §3.6.4: unique per message, kept by every hop), or, lacking one, by identical content.
/// A delivering server usually prepends Received and Return-Path (RFC 5321 §4.4), so equal Message-IDs with
/// different bytes are still one mail; <see cref="MailRetrieval.Identical"/> says whether the bytes matched too.
/// Only what links needs is kept (ids, digests, times), never message content.
/// </summary>
public sealed class MailAnalysis(IRecordSink? next = null) : IRecordSink
{
    /// <summary>Bounds what is remembered on hostile captures; messages past it are counted but not linked.</summary>
    public const int MaxMessages = 1_000_000;

    private readonly List<Seen> _submitted = [];
    private readonly Dictionary<(long Flow, string Id), Seen> _downloaded = [];
    private readonly List<(Seen Message, ImapMessageTransfer Transfer)> _retrievals = [];
    // Endpoints of the flows that carried messages (a flow's record arrives when it ends, after its messages).
    private readonly Dictionary<long, FlowRecord?> _messageFlows = [];
    private long _smtpSessions, _smtpTransactions, _accepted, _rejected, _imapSessions, _imapCommands;
    private long _smtpMessages, _imapMessages, _attachments, _attachmentBytes;
    private IReadOnlyList<SnifferRecord>? _results;

    public void Emit(SnifferRecord record)
    {
        if (_results is null) Observe(record);
        next?.Emit(record);
    }

    /// <summary>Emits the paths and the summary to the next sink and returns them; call once the flows have ended.</summary>
    public IReadOnlyList<SnifferRecord> Complete()
    {
        if (_results is not null) return _results;
        List<MailPath> paths = LinkPaths();
        List<long> latencies = paths.Select(p => p.LatencyNs).Order().ToList();
        var summary = new MailSummary
        {
            TimeNs = paths.Count > 0 ? paths[^1].TimeNs : 0,
            SmtpSessions = _smtpSessions,
            SmtpTransactions = _smtpTransactions,
            RecipientsAccepted = _accepted,
            RecipientsRejected = _rejected,
            ImapSessions = _imapSessions,
            ImapCommands = _imapCommands,
            SmtpMessages = _smtpMessages,
            ImapMessages = _imapMessages,
            Attachments = _attachments,
            AttachmentBytes = _attachmentBytes,
            Paths = paths.Count,
            MedianPathLatencyNs = latencies.Count > 0 ? latencies[latencies.Count / 2] : null,
        };
        _results = [.. paths, summary];
        foreach (SnifferRecord result in _results) next?.Emit(result);
        return _results;
    }

    private void Observe(SnifferRecord record)
    {
        switch (record)
        {
            case MailMessage message:
                Observe(message);
                break;
            case ImapMessageTransfer transfer when transfer.WholeMessage && transfer.MailMessageId is { } id
                                                   && _downloaded.TryGetValue((transfer.FlowId, id), out Seen? seen):
                _retrievals.Add((seen, transfer));
                break;
            case SmtpSession:
                _smtpSessions++;
                break;
            case SmtpTransaction transaction:
                _smtpTransactions++;
                _accepted += transaction.Accepted.Count();
                _rejected += transaction.Rejected.Count();
                break;
            case ImapSession:
                _imapSessions++;
                break;
            case ImapCommandRecord:
                _imapCommands++;
                break;
            case FlowRecord flow when _messageFlows.ContainsKey(flow.FlowId):
                _messageFlows[flow.FlowId] = flow;
                break;
        }
    }

    private void Observe(MailMessage message)
    {
        _attachments += message.Attachments.Count;
        _attachmentBytes += message.Attachments.Sum(a => a.DecodedSize ?? 0);
        bool smtp = message.Source == "smtp";
        if (smtp) _smtpMessages++;
        else _imapMessages++;
        if (_submitted.Count + _downloaded.Count >= MaxMessages) return;
        _messageFlows.TryAdd(message.FlowId, null);
        var seen = new Seen(message.FlowId, message.TimeNs, message.MessageId, message.Subject, message.Md5);
        if (smtp) _submitted.Add(seen);
        else _downloaded[(message.FlowId, message.Id)] = seen;
    }

    private List<MailPath> LinkPaths()
    {
        ILookup<string, (Seen Message, ImapMessageTransfer Transfer)> byMessageId = _retrievals
            .Where(r => r.Message.MessageId is not null).ToLookup(r => r.Message.MessageId!, StringComparer.Ordinal);
        ILookup<string, (Seen Message, ImapMessageTransfer Transfer)> byMd5 = _retrievals.ToLookup(r => r.Message.Md5, StringComparer.Ordinal);
        var paths = new List<MailPath>();
        foreach (Seen submitted in _submitted.OrderBy(s => s.TimeNs))
        {
            var retrievals = (submitted.MessageId is { } id ? byMessageId[id] : byMd5[submitted.Md5])
                // A download before the submission is an older copy (a resend with the same Message-ID), not this path.
                .Where(r => r.Message.TimeNs >= submitted.TimeNs)
                .OrderBy(r => r.Message.TimeNs)
                .Select(r => new MailRetrieval
                {
                    FlowId = r.Message.FlowId,
                    TimeNs = r.Message.TimeNs,
                    Client = Endpoint(r.Message.FlowId, client: true),
                    Server = Endpoint(r.Message.FlowId, client: false),
                    Folder = r.Transfer.Folder,
                    Uid = r.Transfer.Uid,
                    Md5 = r.Message.Md5,
                    Identical = r.Message.Md5 == submitted.Md5,
                })
                .ToList();
            if (retrievals.Count == 0) continue;
            paths.Add(new MailPath
            {
                FlowId = submitted.FlowId,
                TimeNs = submitted.TimeNs,
                MessageId = submitted.MessageId,
                Subject = submitted.Subject,
                Md5 = submitted.Md5,
                SmtpClient = Endpoint(submitted.FlowId, client: true),
                SmtpServer = Endpoint(submitted.FlowId, client: false),
                Retrievals = retrievals,
                LatencyNs = retrievals[0].TimeNs - submitted.TimeNs,
            });
        }
        return paths;
    }

    private string? Endpoint(long flowId, bool client) => _messageFlows.GetValueOrDefault(flowId) is { } flow
        ? client ? $"{flow.ClientAddress}:{flow.ClientPort}" : $"{flow.ServerAddress}:{flow.ServerPort}"
        : null;

    private sealed record Seen(long FlowId, long TimeNs, string? MessageId, string? Subject, string Md5);
}
