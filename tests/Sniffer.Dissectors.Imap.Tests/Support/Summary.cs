using Sniffer.Core.Records;
using Sniffer.Dissectors.Imap.Records;

namespace Sniffer.Dissectors.Imap.Tests.Support;

/// <summary>One line per record, in emission order: what transcripts expect.</summary>
internal static class Summary
{
    public static IEnumerable<string> Of(IEnumerable<SnifferRecord> records) => records.Select(Line).OfType<string>();

    private static string? Line(SnifferRecord record) => record switch
    {
        ImapCommandRecord c => string.Join(' ', new[]
        {
            c.Tag, c.Command, c.Arguments.Length > 0 ? c.Arguments : null, "->", c.Status ?? "(none)",
            c.ResponseCode is { } code ? $"[{code}]" : null,
            c.StateAfter.ToString(),
            c.Credentials is { } cr ? $"user:{cr.UserName} secret:{cr.Secret}" : null,
            c.SearchResults.Count > 0 ? "results:" + string.Join(',', c.SearchResults) : null,
            c.IdleUpdates.Count > 0 ? "idle:" + string.Join('|', c.IdleUpdates) : null,
            c.Complete ? null : "incomplete",
        }.OfType<string>()),
        ImapMessageTransfer t => string.Join(' ', new[]
        {
            "~", t.Origin.ToString().ToLowerInvariant(), t.Folder, t.Uid is { } uid ? $"uid:{uid}" : null, t.Item, $"{t.Size}B",
            t.WholeMessage ? "whole" : null, t.Partial ? "partial" : null, t.Complete ? null : $"incomplete:{t.CapturedBytes}B",
            t.Truncated ? "truncated" : null, t.Subject is { } s ? $"subject:{s}" : null,
        }.OfType<string>()),
        ImapSession s => string.Join(' ', new[]
        {
            "session", $"user:{s.UserName}", s.FinalState.ToString(), s.Encrypted ? "encrypted" : null,
            s.FailedLogins > 0 ? $"failed-logins:{s.FailedLogins}" : null,
            "folders:" + string.Join(',', s.Folders.Select(f => $"{f.Name}({f.Messages.Count(m => !m.Expunged)})")),
        }.OfType<string>()),
        Anomaly a => $"! {a.Kind}",
        _ => null,
    };
}
