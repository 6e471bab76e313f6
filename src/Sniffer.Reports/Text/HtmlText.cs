using System.Net;
using Sniffer.Core.Text;

namespace Sniffer.Reports.Text;

/// <summary>
/// Captured text made safe for an HTML document: control characters become visible escapes first
/// (<see cref="SafeText"/>), then the five characters that can end text or a quoted attribute value
/// (&lt; &gt; &amp; &quot; ') become character references, so the result is inert both between tags and inside
/// a double- or single-quoted attribute (HTML Living Standard §13.1.2.3, §13.2.5).
/// </summary>
public static class HtmlText
{
    public static string Encode(string? captured) => captured is null ? "" : WebUtility.HtmlEncode(SafeText.Escape(captured));
}
