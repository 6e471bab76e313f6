namespace Sniffer.Servers.Mail;

/// <summary>IMAP message flags (RFC 3501 §2.3.2): the system flags in their canonical spelling, and keywords as given.</summary>
public static class MailFlags
{
    public const string Seen = @"\Seen";
    public const string Answered = @"\Answered";
    public const string Flagged = @"\Flagged";
    public const string Deleted = @"\Deleted";
    public const string Draft = @"\Draft";
    public const string Recent = @"\Recent";

    /// <summary>The flags a client may store; \Recent is the server's alone (RFC 3501 §2.3.2).</summary>
    public static readonly IReadOnlyList<string> Storable = [Answered, Flagged, Deleted, Seen, Draft];

    /// <summary>Flag names compare case-insensitively (RFC 3501 §9: "\Seen" and "\SEEN" are the same flag).</summary>
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    /// <summary>A set of the given flags, system flags spelt canonically, \Recent dropped.</summary>
    public static IReadOnlySet<string> Normalize(IEnumerable<string> flags)
    {
        var set = new HashSet<string>(Comparer);
        foreach (string flag in flags)
        {
            if (Comparer.Equals(flag, Recent)) continue;
            set.Add(Storable.FirstOrDefault(system => Comparer.Equals(system, flag)) ?? flag);
        }
        return set;
    }

    internal static IReadOnlySet<string> Union(IReadOnlySet<string> current, IReadOnlySet<string> added) => Normalize(current.Concat(added));

    internal static IReadOnlySet<string> Except(IReadOnlySet<string> current, IReadOnlySet<string> removed) =>
        Normalize(current.Where(flag => !removed.Contains(flag)));
}
