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

    /// <summary>IDLEs ended by other clients' mail before this client's own arrives, at most.</summary>
    private const int MaxIdleRounds = 10;

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
        // Flag changes made by other sessions arrive as unsolicited FETCH responses without a UID: not answers.
        return [.. summaries
            .Where(summary => summary.UniqueId.IsValid)
            .Select(summary => (summary.UniqueId, MessageId: summary.Envelope?.MessageId))
            .Where(message => expected.Count == 0 || (message.MessageId is not null && expected.Contains(message.MessageId)))
            .GroupBy(message => message.MessageId ?? message.UniqueId.ToString())
            .Select(group => group.MaxBy(message => message.UniqueId.Id))
            .OrderBy(message => message.UniqueId.Id)];
    }

    /// <summary>
    /// IDLE (RFC 2177) while another user submits a mail to this one: the server announces it with EXISTS, the
    /// client ends IDLE with DONE and fetches the new mail. Other clients may deliver to the same mailbox meanwhile
    /// (several generators on one server): when an EXISTS turns out to be someone else's mail, the client idles
    /// again, as a mail client that waits for one message would. All of it within one request timeout.
    /// </summary>
    private static async Task IdleAsync(ScenarioContext context, ImapClient client, MailboxReader reader, string user, uint highestUid)
    {
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            context.Fail("the IMAP server does not offer IDLE");
            return;
        }
        IMailFolder inbox = client.Inbox;
        using var timeout = new CancellationTokenSource(context.Options.RequestTimeout);
        MailEntry? arriving = null;
        int countAtLastSearch = -1;
        for (int round = 1; round <= MaxIdleRounds && !timeout.IsCancellationRequested; round++)
        {
            bool announced;
            // An EXISTS that came with the last SEARCH's response (the mail arrived just after the IDLE that another
            // client's mail ended) is not announced again: search once more instead of idling for it.
            if (arriving is not null && inbox.Count != countAtLastSearch) announced = true;
            else announced = await IdleUntilExistsAsync(client, inbox, timeout.Token, context.Cancellation, async () =>
            {
                // Sent only while the server idles ("+ idling" seen, no DONE yet), so its EXISTS is a push.
                if (arriving is not null) return;
                string sender = OthersThan(context.Options.MailUsers, user).FirstOrDefault() ?? user;
                await using SmtpSubmission submission = await SmtpSubmission.OpenAsync(context, sender, "PLAIN");
                arriving = await submission.SendAsync(MailComposer.Compose(context.Random, sender, [user], [], 1, MessageId(context, 0)));
            });
            if (arriving is null) continue; // another client's mail ended this IDLE before ours was sent
            countAtLastSearch = inbox.Count;
            if (await FindArrivedAsync(context, inbox, highestUid, arriving.MessageId) is { } uid)
            {
                if (!announced) context.Fail($"no EXISTS for the new mail to {user} during IDLE");
                await reader.FetchAsync(uid, arriving.MessageId, announced);
                return;
            }
            if (!announced && inbox.Count == countAtLastSearch) break; // IDLE timed out and nothing arrived since
        }
        context.Fail($"the mail sent to {user} during IDLE is not in the mailbox");
    }

    /// <summary>
    /// One IDLE: runs <paramref name="whileIdling"/> once the server accepted it (unless it already ended), and ends
    /// with DONE at the first EXISTS that grows the mailbox or when <paramref name="timeout"/> fires. Returns whether
    /// an EXISTS came.
    /// </summary>
    private static async Task<bool> IdleUntilExistsAsync(ImapClient client, IMailFolder inbox, CancellationToken timeout, CancellationToken cancellation, Func<Task> whileIdling)
    {
        int known = inbox.Count;
        bool announced = false;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(timeout);
        EventHandler<EventArgs> onCountChanged = (_, _) =>
        {
            if (inbox.Count <= known || done.IsCancellationRequested) return;
            announced = true;
            done.Cancel();
        };
        inbox.CountChanged += onCountChanged;
        try
        {
            Task idling = client.IdleAsync(done.Token, cancellation);
            while (!client.IsIdle && !idling.IsCompleted && !done.IsCancellationRequested) await Task.Delay(10, cancellation);
            if (client.IsIdle && !done.IsCancellationRequested) await whileIdling();
            await idling;
        }
        finally
        {
            inbox.CountChanged -= onCountChanged;
        }
        return announced;
    }

    /// <summary>
    /// The UID of the mail with <paramref name="messageId"/> that arrived after <paramref name="highestUid"/>, found by
    /// its Message-ID rather than taken to be the newest, since other clients may deliver too (RFC 3501 §6.4.4).
    /// </summary>
    private static async Task<UniqueId?> FindArrivedAsync(ScenarioContext context, IMailFolder inbox, uint highestUid, string messageId)
    {
        IList<UniqueId> found;
        using (var step = MailSockets.StepTimeout(context))
        {
            SearchQuery query = SearchQuery.Uids(new UniqueIdRange(new UniqueId(highestUid + 1), UniqueId.MaxValue))
                .And(SearchQuery.HeaderContains("Message-ID", messageId));
            found = await inbox.SearchAsync(query, step.Token);
        }
        // "UID n:*" always matches the highest UID (RFC 3501 §6.4.8), so an older message can come back too.
        UniqueId[] arrived = [.. found.Where(uid => uid.Id > highestUid)];
        return arrived.Length == 0 ? null : arrived.MaxBy(uid => uid.Id);
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
