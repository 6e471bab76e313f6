using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Sniffer.Servers.Http;

/// <summary>The conditional GET of RFC 9110 §13: whether the client's stored representation is still the current one.</summary>
internal static class Preconditions
{
    /// <summary>
    /// True when a GET or HEAD should be answered 304 Not Modified. RFC 9110 §13.2.2: If-None-Match is evaluated when
    /// present and If-Modified-Since only when it is absent, because entity tags are the more precise validator.
    /// </summary>
    public static bool IsNotModified(HttpRequest request, string entityTag, DateTimeOffset lastModified, DateTimeOffset now)
    {
        StringValues ifNoneMatch = request.Headers.IfNoneMatch;
        if (!StringValues.IsNullOrEmpty(ifNoneMatch))
        {
            // §13.1.2: "*" matches any current representation; otherwise weak comparison, as GET and HEAD use.
            // A field that does not parse matches nothing, and If-Modified-Since is still ignored.
            if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out IList<EntityTagHeaderValue>? tags)) return false;
            var current = new EntityTagHeaderValue(entityTag);
            return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
        }

        // §13.1.3: ignore the field unless it holds exactly one valid HTTP-date that is not in the future.
        StringValues ifModifiedSince = request.Headers.IfModifiedSince;
        if (ifModifiedSince.Count != 1 || !HeaderUtilities.TryParseDate(ifModifiedSince.ToString(), out DateTimeOffset since) || since > now)
        {
            return false;
        }
        return lastModified <= since;
    }
}
