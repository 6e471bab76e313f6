using Sniffer.Core.Records;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;

namespace Sniffer.Dissectors.Smtp.Tests.Support;

/// <summary>Renders what a dissector emitted as short text lines, in emission order, for golden comparisons.</summary>
internal static class SmtpSummary
{
    public static IEnumerable<string> Of(IEnumerable<SnifferRecord> records)
    {
        foreach (SnifferRecord record in records)
        {
            switch (record)
            {
                case SmtpSession session:
                    yield return $"session helo={session.HelloVerb} {session.Helo} greeting={session.Greeting?.Code} last={session.LastReply} starttls={session.StartTls} transactions={session.Transactions}";
                    if (session.Extensions.Count > 0) yield return "  extensions " + string.Join(" | ", session.Extensions);
                    foreach (SmtpAuthentication auth in session.Authentications)
                    {
                        yield return $"  auth {auth.Mechanism} user={auth.User} secret={auth.Secret} {auth.Outcome} {auth.Reply?.Code}";
                    }
                    foreach (SmtpCommand command in session.Commands)
                    {
                        string latency = command.LatencyNs is { } ns ? $"{ns / 1_000_000}ms" : "-";
                        yield return $"  {command} -> {command.Reply?.Code.ToString() ?? "none"} {latency}{(command.Pipelined ? " pipelined" : "")}";
                    }
                    break;
                case SmtpTransaction t:
                    string rcpts = string.Join(", ", t.Recipients.Select(r => $"{r.Address}:{r.Reply?.Code}{(r.Reply?.EnhancedStatus is { } e ? " " + e : "")}"));
                    yield return $"transaction {t.Depth} from={t.MailFrom} params={string.Join(',', t.MailParameters.Select(p => $"{p.Key}={p.Value}"))} rcpt=[{rcpts}] {t.ContentCommand} chunks={t.Chunks} {t.DataOutcome} {t.DataReply?.Code} message={t.Message?.Id}";
                    foreach (string difference in t.EnvelopeDifferences) yield return "  differs: " + difference;
                    break;
                case MailMessage m:
                    yield return $"message {m.Id} size={m.Size} md5={m.Md5} complete={m.Complete} missing={m.MissingBytes} subject={m.Subject} from={string.Join(',', m.From)} to={string.Join(',', m.To)}";
                    break;
                case Anomaly a:
                    yield return $"anomaly {a.Kind}: {a.Detail}";
                    break;
            }
        }
    }
}
