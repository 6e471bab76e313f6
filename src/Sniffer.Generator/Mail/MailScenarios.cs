using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Sniffer.Generator.Mail;

/// <summary>The mail scenarios: submission over SMTP, then retrieval of the same mails over IMAP.</summary>
internal static class MailScenarios
{
    /// <summary>An IMAP session fetches at most this many messages, so a big mailbox does not make a long run.</summary>
    private const int MaxFetchedPerSession = 20;

    /// <summary>
    /// Two sessions: the first user authenticates with AUTH PLAIN and sends two mails on one connection (the
    /// first to every other user and to the refused recipient), the second user with AUTH LOGIN sends one back.
    /// </summary>
    public static async Task SmtpAsync(ScenarioContext context)
    {
        IReadOnlyList<string> users = context.Options.MailUsers;
        Random random = context.Random;
        string first = users[0];
        string second = users[1 % users.Count];
        string[] othersThanFirst = OthersThan(users, first);

        await using (SmtpSubmission plain = await SmtpSubmission.OpenAsync(context, first, "PLAIN"))
        {
            await plain.SendAsync(MailComposer.Compose(random, first, othersThanFirst[..1], [.. othersThanFirst[1..], context.Options.RefusedRecipient],
                random.Next(1, 3), MessageId(context, 1)));
            await plain.SendAsync(MailComposer.Compose(random, first, [othersThanFirst[random.Next(othersThanFirst.Length)]], [],
                random.Next(1, 4), MessageId(context, 2)));
        }
        await using (SmtpSubmission login = await SmtpSubmission.OpenAsync(context, second, "LOGIN"))
        {
            await login.SendAsync(MailComposer.Compose(random, second, OthersThan(users, second), [], 1, MessageId(context, 3)));
        }
    }

    /// <summary>
    /// Every user who was sent mail in this pass logs in and reads it back; the first also waits in IDLE while a
    /// new mail is submitted to them, and reads that one too. Without mails from the SMTP scenario, the first user
    /// reads the newest messages of their inbox.
    /// </summary>
    public static async Task ImapAsync(ScenarioContext context)
    {
        IReadOnlyList<MailEntry> sent = [.. context.Recorder.AcceptedMails().Where(mail => mail.Repetition == context.Repetition)];
        IReadOnlyList<string> readers = [.. context.Options.MailUsers.Where(user => sent.Any(mail => mail.RecipientsAccepted.Contains(user)))];
        if (readers.Count == 0) readers = [context.Options.MailUsers[0]];
        for (int i = 0; i < readers.Count; i++)
        {
            HashSet<string> expected = [.. sent.Where(mail => mail.RecipientsAccepted.Contains(readers[i])).Select(mail => mail.MessageId)];
            await ReadMailboxAsync(context, readers[i], expected, idle: i == 0);
        }
    }

    private static async Task ReadMailboxAsync(ScenarioContext context, string user, HashSet<string> expected, bool idle)
    {
        EndPoint server = context.Servers.Imap ?? throw new InvalidOperationException("no IMAP server");
        using var client = new ImapClient { Timeout = (int)context.Options.RequestTimeout.TotalMilliseconds };
        int clientPort;
        using (var step = MailSockets.StepTimeout(context))
        {
            Socket socket = await MailSockets.ConnectAsync(server, step.Token);
            clientPort = MailSockets.ClientPort(socket);
            (string host, int port) = MailSockets.HostAndPort(server);
            await client.ConnectAsync(socket, host, port, SecureSocketOptions.None, step.Token);
            // With no SASL mechanism to choose from MailKit uses the LOGIN command (RFC 3501 §6.2.3), the one the course shows.
            client.AuthenticationMechanisms.Clear();
            await client.AuthenticateAsync(new NetworkCredential(user, context.Options.Password), step.Token);
            if (client.PersonalNamespaces.Count > 0) await client.GetFoldersAsync(client.PersonalNamespaces[0], cancellationToken: step.Token);
        }

        IMailFolder inbox = client.Inbox;
        IList<UniqueId> uids;
        using (var step = MailSockets.StepTimeout(context))
        {
            await inbox.OpenAsync(FolderAccess.ReadWrite, step.Token);
            uids = await inbox.SearchAsync(SearchQuery.All, step.Token);
        }
        IReadOnlyList<(UniqueId Uid, string? MessageId)> wanted = await ChooseAsync(context, inbox, uids, expected);
        var reader = new MailboxReader(context, inbox, user, clientPort);
        foreach ((UniqueId uid, string? messageId) in wanted) await reader.FetchAsync(uid, messageId, arrivedDuringIdle: false);
        if (wanted.Count > 0)
        {
            using var step = MailSockets.StepTimeout(context);
            await inbox.AddFlagsAsync([.. wanted.Select(message => message.Uid)], MessageFlags.Seen, silent: true, step.Token);
        }
        if (idle) await IdleAsync(context, client, reader, user, uids.Count == 0 ? 0 : uids.Max(uid => uid.Id));

        using (var step = MailSockets.StepTimeout(context)) await client.DisconnectAsync(quit: true, step.Token);
    }

    /// <summary>
    /// Fetches the envelopes of the newest messages and picks those with the expected Message-IDs (the newest of
    /// each, should an earlier run have sent the same one); with nothing expected, the newest few.
    /// </summary>
    private static async Task<IReadOnlyList<(UniqueId Uid, string? MessageId)>> ChooseAsync(
        ScenarioContext context, IMailFolder inbox, IList<UniqueId> uids, HashSet<string> expected)
    {
        if (uids.Count == 0) return [];
        IList<UniqueId> newest = [.. uids.OrderBy(uid => uid.Id).TakeLast(expected.Count == 0 ? 5 : MaxFetchedPerSession)];
        IList<IMessageSummary> summaries;
        using (var step = MailSockets.StepTimeout(context))
            summaries = await inbox.FetchAsync(newest, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Size | MessageSummaryItems.Flags, step.Token);
        return [.. summaries
            .Select(summary => (summary.UniqueId, MessageId: summary.Envelope?.MessageId))
            .Where(message => expected.Count == 0 || (message.MessageId is not null && expected.Contains(message.MessageId)))
            .GroupBy(message => message.MessageId ?? message.UniqueId.ToString())
            .Select(group => group.MaxBy(message => message.UniqueId.Id))
            .OrderBy(message => message.UniqueId.Id)];
    }

    /// <summary>
    /// IDLE (RFC 2177) while another user submits a mail to this one: the server announces it with EXISTS, the
    /// client ends IDLE with DONE and fetches the new mail. IDLE lasts at most one request timeout.
    /// </summary>
    private static async Task IdleAsync(ScenarioContext context, ImapClient client, MailboxReader reader, string user, uint highestUid)
    {
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            context.Fail("the IMAP server does not offer IDLE");
            return;
        }
        IMailFolder inbox = client.Inbox;
        int known = inbox.Count;
        bool announced = false;
        using var done = new CancellationTokenSource(context.Options.RequestTimeout);
        EventHandler<EventArgs> onCountChanged = (_, _) =>
        {
            if (inbox.Count <= known || done.IsCancellationRequested) return;
            announced = true;
            done.Cancel();
        };
        inbox.CountChanged += onCountChanged;
        MailEntry arriving;
        try
        {
            Task idling = client.IdleAsync(done.Token, context.Cancellation);
            // Deliver only once the server has said "+ idling": a mail that arrived before would be announced
            // after DONE instead, and the exchange would not show the push IDLE is for. Bounded by the IDLE timeout.
            while (!client.IsIdle && !idling.IsCompleted && !done.IsCancellationRequested) await Task.Delay(10, context.Cancellation);
            string sender = OthersThan(context.Options.MailUsers, user).FirstOrDefault() ?? user;
            await using (SmtpSubmission submission = await SmtpSubmission.OpenAsync(context, sender, "PLAIN"))
                arriving = await submission.SendAsync(MailComposer.Compose(context.Random, sender, [user], [], 1, MessageId(context, 0)));
            await idling;
        }
        finally
        {
            inbox.CountChanged -= onCountChanged;
        }
        if (!announced) context.Fail($"no EXISTS for the new mail to {user} during IDLE");

        IList<UniqueId> fresh;
        using (var step = MailSockets.StepTimeout(context))
            fresh = await inbox.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(highestUid + 1), UniqueId.MaxValue)), step.Token);
        IReadOnlyList<(UniqueId Uid, string? MessageId)> arrived = await ChooseAsync(context, inbox, [.. fresh.Where(uid => uid.Id > highestUid)], [arriving.MessageId]);
        foreach ((UniqueId uid, string? messageId) in arrived) await reader.FetchAsync(uid, messageId, announced);
        if (arrived.Count == 0)
            context.Fail($"the mail sent to {user} during IDLE is not in the mailbox");
    }

    private static string[] OthersThan(IReadOnlyList<string> users, string user)
    {
        string[] others = [.. users.Where(other => other != user)];
        return others.Length == 0 ? [user] : others;
    }

    /// <summary>Unique per seed, pass and mail (0 is the mail sent during IDLE), and the same in every run with that seed.</summary>
    private static string MessageId(ScenarioContext context, int mail) =>
        string.Create(CultureInfo.InvariantCulture, $"seed{context.Options.Seed}.pass{context.Repetition}.{context.Scenario}{mail}@generator.sniffer.test");

    /// <summary>Fetches a message's header and whole body as exact bytes and logs both.</summary>
    private sealed class MailboxReader(ScenarioContext context, IMailFolder folder, string user, int clientPort)
    {
        /// <summary>
        /// BODY.PEEK[HEADER] then BODY.PEEK[] (RFC 3501 §6.4.5): the server answers with BODY[…] literals; PEEK
        /// leaves \Seen to the explicit STORE, so both steps show on the wire.
        /// </summary>
        public async Task FetchAsync(UniqueId uid, string? messageId, bool arrivedDuringIdle)
        {
            foreach ((string section, string name) in new[] { ("HEADER", "BODY[HEADER]"), ("", "BODY[]") })
            {
                using var step = MailSockets.StepTimeout(context);
                using Stream content = await folder.GetStreamAsync(uid, section, step.Token);
                using var copy = new MemoryStream();
                await content.CopyToAsync(copy, step.Token);
                context.Recorder.Add(new ImapFetchEntry
                {
                    Scenario = context.Scenario,
                    Repetition = context.Repetition,
                    ClientPort = clientPort,
                    User = user,
                    Folder = folder.FullName,
                    Uid = uid.Id,
                    Section = name,
                    MessageId = messageId,
                    ArrivedDuringIdle = arrivedDuringIdle,
                    Size = copy.Length,
                    Md5 = Convert.ToHexStringLower(MD5.HashData(copy.GetBuffer().AsSpan(0, (int)copy.Length))),
                });
            }
        }
    }
}
