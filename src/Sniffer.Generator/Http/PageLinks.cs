using System.Text;
using System.Text.RegularExpressions;

namespace Sniffer.Generator.Http;

/// <summary>The objects a page references through <c>src=</c> and <c>href=</c>, split into the site's own and third parties'.</summary>
internal static partial class PageLinks
{
    [GeneratedRegex("""(?:src|href)\s*=\s*["']([^"'<>\s]+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();

    /// <summary>A page load asks for at most this many objects, whatever server wrote the page.</summary>
    public const int MaxObjects = 64;

    /// <summary>
    /// Absolute URLs of the referenced objects, in document order, each once, at most <see cref="MaxObjects"/>;
    /// links to other pages of the site are not objects.
    /// </summary>
    public static IReadOnlyList<Uri> Objects(Uri page, byte[] html)
    {
        var seen = new HashSet<Uri>();
        var objects = new List<Uri>();
        foreach (Match match in Reference().Matches(Encoding.UTF8.GetString(html)))
        {
            if (!Uri.TryCreate(page, match.Groups[1].Value, out Uri? target) || target.Scheme != Uri.UriSchemeHttp) continue;
            bool sameSite = string.Equals(target.Host, page.Host, StringComparison.OrdinalIgnoreCase);
            if (sameSite && !target.AbsolutePath.StartsWith("/objects/", StringComparison.Ordinal)) continue;
            if (seen.Add(target)) objects.Add(target);
            if (objects.Count == MaxObjects) break;
        }
        return objects;
    }
}
