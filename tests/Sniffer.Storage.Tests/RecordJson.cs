using System.Text.Json;
using System.Text.Json.Nodes;
using Sniffer.Core.Records;

namespace Sniffer.Storage.Tests;

/// <summary>Records as JSON text for whole-object comparison; body content is compared separately, by hash lookup.</summary>
internal static class RecordJson
{
    public static string Of(SnifferRecord record)
    {
        JsonNode node = JsonSerializer.SerializeToNode(record, record.GetType())!;
        RemoveContent(node);
        return node.ToJsonString();
    }

    private static void RemoveContent(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("Content");
                foreach (var (_, child) in obj) RemoveContent(child);
                break;
            case JsonArray array:
                foreach (JsonNode? child in array) RemoveContent(child);
                break;
        }
    }
}
