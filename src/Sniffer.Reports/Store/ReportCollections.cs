namespace Sniffer.Reports.Store;

/// <summary>
/// Collections of the mail and analysis records (store schema 2) the reports read as documents. A database
/// written before they existed simply has none, and the report says so.
/// </summary>
public static class ReportCollections
{
    public const string SmtpSessions = "smtp_sessions";
    public const string SmtpTransactions = "smtp_transactions";
    public const string Messages = "messages";
    public const string ImapSessions = "imap_sessions";
    public const string MailPaths = "mail_paths";
    public const string CookieJars = "cookie_jars";
    public const string UnseenCookies = "unseen_cookies";
    public const string TrackingIds = "tracking_ids";
    public const string ConditionalGets = "conditional_gets";
    public const string ConnectionReuse = "connection_reuse";
    public const string Summaries = "summaries";

    /// <summary><c>summaries.kind</c> values.</summary>
    public const string TimingKind = "timing";
    public const string ConditionalGetKind = "conditional_get";
}
