using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sniffer.Reports.Tests;

/// <summary>
/// The required fields and types of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), checked in C# so
/// the tests do not depend on npm: every problem is returned as "path: what is wrong".
/// </summary>
public static partial class HarStructure
{
    public static List<string> Problems(JsonElement root)
    {
        var problems = new List<string>();
        JsonElement log = Member(root, "log", JsonValueKind.Object, "", problems);
        if (log.ValueKind != JsonValueKind.Object) return problems;
        if (Text(log, "version", "log", problems) != "1.2") problems.Add("log.version: not 1.2");
        JsonElement creator = Member(log, "creator", JsonValueKind.Object, "log", problems);
        if (creator.ValueKind == JsonValueKind.Object)
        {
            Text(creator, "name", "log.creator", problems);
            Text(creator, "version", "log.creator", problems);
        }
        var pageIds = new HashSet<string>();
        if (log.TryGetProperty("pages", out JsonElement pages))
        {
            foreach (var (page, i) in pages.EnumerateArray().Select((p, i) => (p, i)))
            {
                string at = $"log.pages[{i}]";
                Timestamp(page, at, problems);
                pageIds.Add(Text(page, "id", at, problems) ?? "");
                Text(page, "title", at, problems);
                Member(page, "pageTimings", JsonValueKind.Object, at, problems);
            }
        }
        JsonElement entries = Member(log, "entries", JsonValueKind.Array, "log", problems);
        if (entries.ValueKind != JsonValueKind.Array) return problems;
        foreach (var (entry, i) in entries.EnumerateArray().Select((e, i) => (e, i)))
        {
            string at = $"log.entries[{i}]";
            if (entry.TryGetProperty("pageref", out JsonElement pageref) && !pageIds.Contains(pageref.GetString() ?? ""))
                problems.Add($"{at}.pageref: no page {pageref}");
            Timestamp(entry, at, problems);
            double time = Number(entry, "time", at, problems);
            Request(Member(entry, "request", JsonValueKind.Object, at, problems), at + ".request", problems);
            Response(Member(entry, "response", JsonValueKind.Object, at, problems), at + ".response", problems);
            Member(entry, "cache", JsonValueKind.Object, at, problems);
            JsonElement timings = Member(entry, "timings", JsonValueKind.Object, at, problems);
            if (timings.ValueKind != JsonValueKind.Object) continue;
            double sum = 0;
            foreach (string phase in new[] { "send", "wait", "receive" })
            {
                double value = Number(timings, phase, at + ".timings", problems);
                if (value < 0) problems.Add($"{at}.timings.{phase}: negative");
                sum += Math.Max(0, value);
            }
            foreach (string phase in new[] { "blocked", "dns", "connect", "ssl" })
            {
                if (!timings.TryGetProperty(phase, out JsonElement value)) continue;
                if (value.GetDouble() < -1) problems.Add($"{at}.timings.{phase}: below -1");
                if (phase != "ssl") sum += Math.Max(0, value.GetDouble());
            }
            // HAR 1.2: time is the sum of the applicable timings (ssl is included in connect).
            if (Math.Abs(sum - time) > 0.002) problems.Add($"{at}.time: {time} is not the sum of the timings {sum}");
        }
        return problems;
    }

    private static void Request(JsonElement request, string at, List<string> problems)
    {
        if (request.ValueKind != JsonValueKind.Object) return;
        Text(request, "method", at, problems);
        Text(request, "url", at, problems);
        Text(request, "httpVersion", at, problems);
        Pairs(request, "cookies", at, problems);
        Pairs(request, "headers", at, problems);
        Pairs(request, "queryString", at, problems);
        if (request.TryGetProperty("postData", out JsonElement post)) Text(post, "mimeType", at + ".postData", problems);
        Number(request, "headersSize", at, problems);
        Number(request, "bodySize", at, problems);
    }

    private static void Response(JsonElement response, string at, List<string> problems)
    {
        if (response.ValueKind != JsonValueKind.Object) return;
        Number(response, "status", at, problems);
        Text(response, "statusText", at, problems);
        Text(response, "httpVersion", at, problems);
        Pairs(response, "cookies", at, problems);
        Pairs(response, "headers", at, problems);
        JsonElement content = Member(response, "content", JsonValueKind.Object, at, problems);
        if (content.ValueKind == JsonValueKind.Object)
        {
            Number(content, "size", at + ".content", problems);
            Text(content, "mimeType", at + ".content", problems);
            if (content.TryGetProperty("encoding", out JsonElement encoding) && encoding.GetString() != "base64")
                problems.Add($"{at}.content.encoding: {encoding}");
        }
        Text(response, "redirectURL", at, problems);
        Number(response, "headersSize", at, problems);
        Number(response, "bodySize", at, problems);
    }

    private static void Pairs(JsonElement parent, string name, string at, List<string> problems)
    {
        JsonElement array = Member(parent, name, JsonValueKind.Array, at, problems);
        if (array.ValueKind != JsonValueKind.Array) return;
        foreach (JsonElement pair in array.EnumerateArray())
        {
            Text(pair, "name", $"{at}.{name}[]", problems);
            Text(pair, "value", $"{at}.{name}[]", problems);
        }
    }

    private static void Timestamp(JsonElement parent, string at, List<string> problems)
    {
        string? value = Text(parent, "startedDateTime", at, problems);
        if (value is not null && !Iso8601().IsMatch(value)) problems.Add($"{at}.startedDateTime: {value} is not ISO 8601 with milliseconds");
    }

    private static string? Text(JsonElement parent, string name, string at, List<string> problems) =>
        Member(parent, name, JsonValueKind.String, at, problems) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static double Number(JsonElement parent, string name, string at, List<string> problems) =>
        Member(parent, name, JsonValueKind.Number, at, problems) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble() : double.NaN;

    private static JsonElement Member(JsonElement parent, string name, JsonValueKind kind, string at, List<string> problems)
    {
        if (!parent.TryGetProperty(name, out JsonElement value)) problems.Add($"{at}.{name}: missing");
        else if (value.ValueKind != kind) problems.Add($"{at}.{name}: {value.ValueKind}, not {kind}");
        else return value;
        return default;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Iso8601();
}
