namespace Sniffer.Storage;

/// <summary>Collection names of a session database (SCHEMA.md describes their documents).</summary>
public static class StoreCollections
{
    public const string Meta = "sniffer_meta";
    public const string Captures = "captures";
    public const string Flows = "flows";
    public const string Http = "http";

    /// <summary>One row per cookie sent or set, pointing at its exchange.</summary>
    public const string Cookies = "cookies";

    public const string Anomalies = "anomalies";

    public const string SmtpSessions = "smtp_sessions";
    public const string SmtpTransactions = "smtp_transactions";
    public const string ImapSessions = "imap_sessions";
    public const string ImapCommands = "imap_commands";
    public const string ImapTransfers = "imap_transfers";

    /// <summary>Reconstructed mail from SMTP and IMAP; raw bytes in file storage beside the bodies.</summary>
    public const string Messages = "messages";

    // Analysis results, named by [StoreCollection] on their record types (see SCHEMA.md).
    public const string MailPaths = "mail_paths";
    public const string CookieJars = "cookie_jars";
    public const string UnseenCookies = "unseen_cookies";
    public const string TrackingIds = "tracking_ids";
    public const string ConditionalGets = "conditional_gets";
    public const string ConnectionReuse = "connection_reuse";
    public const string ObjectTimings = "object_timings";

    /// <summary>One document per capture-wide summary, told apart by <c>kind</c>: timing, conditional_get, mail.</summary>
    public const string Summaries = "summaries";

    /// <summary>LiteDB file storage of body content, one file per SHA-256 (its id).</summary>
    public const string BodyFiles = "bodies";

    public const string BodyChunks = "body_chunks";
}
