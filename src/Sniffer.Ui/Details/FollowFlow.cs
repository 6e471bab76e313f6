using LiteDB;
using Sniffer.Core.Flows;
using Sniffer.Engine;
using Sniffer.Reports.Store;
using Sniffer.Storage;

namespace Sniffer.Ui.Details;

/// <summary>
/// "Follow stream" for the selected record's connection, as Wireshark's Follow TCP Stream: the capture file the
/// store names is read again for this flow's packets, and both directions' bytes are shown in the order they were
/// sent, the client's in one colour and the server's in another, gaps as "[N bytes missing]", every byte escaped,
/// at most the first megabyte of each direction. When the file cannot be read (moved, deleted, a live capture
/// without -w), the dialogue is rebuilt from the dissected messages the store keeps, with the reason in one line.
/// </summary>
internal static class FollowFlow
{
    private const int MaxRecords = 500;

    // Bytes per shown line when the stream has no line break for longer (binary bodies): the pane is about this wide.
    private const int MaxLineBytes = 160;

    /// <summary>Follow (the <c>f</c> key): the raw stream re-read from the capture, else the rebuilt dialogue with the reason.</summary>
    public static string Render(BsonDocument record, DetailContext context)
    {
        (BsonDocument? flow, DetailWriter writer) = Start(record, context);
        RawStream stream = flow is null ? RawStream.Unavailable("the store has no record of this connection") : context.StreamOf(flow);
        if (stream.Streams is { } streams) WriteRaw(writer, stream.Path!, streams);
        else WriteRebuilt(writer, flow ?? record, context, $"(raw stream unavailable: {stream.Reason}; rebuilt from the dissected messages the store keeps)");
        return writer.ToString();
    }

    /// <summary>
    /// The rebuilt dialogue alone, for a list's details pane: drawn on every cursor move, so it reads the store and
    /// never the capture file (a re-read takes up to a second on a large capture); <c>f</c> shows the raw stream.
    /// </summary>
    public static string Dialogue(BsonDocument record, DetailContext context)
    {
        (BsonDocument? flow, DetailWriter writer) = Start(record, context);
        WriteRebuilt(writer, flow ?? record, context, "(rebuilt from the dissected messages the store keeps; f follows the raw stream)");
        return writer.ToString();
    }

    private static (BsonDocument? Flow, DetailWriter Writer) Start(BsonDocument record, DetailContext context)
    {
        BsonDocument? flow = record.ContainsKey("client_port") ? record : context.FlowOf(record);
        var writer = new DetailWriter();
        long flowId = record.Number("flow") ?? 0;
        writer.Heading(flow is null
            ? $"Flow {flowId}"
            : $"Flow {flowId}: {Display.Safe(flow.Text("client"))} → {Display.Safe(flow.Text("server"))} ({Display.Safe(flow.Text("protocol") ?? "not dissected")})");
        return (flow, writer);
    }

    private static void WriteRaw(DetailWriter writer, string path, FlowStreams streams)
    {
        writer.Own($"(raw stream re-read from {Display.Safe(path)}: {Display.Count(streams.FramesOfFlow)} packets; → client, ← server)");
        foreach (StreamPiece piece in streams.Pieces)
        {
            if (piece.IsGap) writer.OwnOf(piece.Direction, $"[{Display.Count(piece.MissingBytes)} bytes missing]");
            else WriteBytes(writer, piece.Direction, piece.Bytes.Span);
        }
        if (streams.ClientBytesNotKept > 0) writer.OwnOf(Direction.ClientToServer, $"… {Display.Count(streams.ClientBytesNotKept)} more bytes from the client not shown");
        if (streams.ServerBytesNotKept > 0) writer.OwnOf(Direction.ServerToClient, $"… {Display.Count(streams.ServerBytesNotKept)} more bytes from the server not shown");
        if (streams.PiecesNotKept > 0) writer.Own($"… {Display.Count(streams.PiecesNotKept)} more turns not shown");
        if (streams.Pieces.Count == 0) writer.Own("(no payload: the connection carried no bytes)");
    }

    /// <summary>One line per line the side sent (its CRLF or LF ends the line), long runs cut every <see cref="MaxLineBytes"/>.</summary>
    private static void WriteBytes(DetailWriter writer, Direction direction, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int newline = bytes[..Math.Min(bytes.Length, MaxLineBytes)].IndexOf((byte)'\n');
            int length = newline < 0 ? Math.Min(bytes.Length, MaxLineBytes) : newline + 1;
            ReadOnlySpan<byte> line = bytes[..length];
            if (line.EndsWith("\r\n"u8)) line = line[..^2];
            else if (line.EndsWith("\n"u8)) line = line[..^1];
            writer.Sent(direction, line);
            bytes = bytes[length..];
        }
    }

    /// <summary>The dialogue as the dissectors rebuilt it: every HTTP message in order (→ client to server, ← back), or the SMTP/IMAP commands with their replies.</summary>
    private static void WriteRebuilt(DetailWriter writer, BsonDocument anchor, DetailContext context, string origin)
    {
        writer.Own(origin);
        int shown = 0;
        foreach (BsonDocument exchange in context.RecordsOfFlow(StoreCollections.Http, anchor, MaxRecords))
        {
            shown++;
            WriteMessage(writer, "→", exchange.Get("request"), d => $"{d.Text("method")} {d.Text("target")} {d.Text("version")}");
            WriteMessage(writer, "←", exchange.Get("response"), d => $"{d.Text("version")} {d.Number("status")} {d.Text("reason")}");
        }
        foreach (BsonDocument session in context.RecordsOfFlow(StoreCollections.SmtpSessions, anchor, MaxRecords))
        {
            shown++;
            writer.Captured($"← {session.Text("greeting")}");
            foreach (BsonDocument command in session.Documents("commands"))
            {
                writer.Captured($"→ {command.Text("verb")} {command.Text("argument")}");
                writer.Captured($"← {command.Number("reply_code")} {command.Text("reply")}   ({Display.Duration(command.Number("latency_ns"))})");
            }
        }
        foreach (BsonDocument command in context.RecordsOfFlow(StoreCollections.ImapCommands, anchor, MaxRecords))
        {
            shown++;
            writer.Captured($"→ {command.Text("tag")} {command.Text("command")} {command.Text("arguments")}");
            writer.Captured($"← {command.Text("tag")} {command.Text("status")} {command.Text("response_text")}   ({Display.Duration(command.Number("latency_ns"))})");
        }
        if (shown == 0) writer.Own("(no dissected messages on this flow)");
    }

    private static void WriteMessage(DetailWriter writer, string arrow, BsonValue message, Func<BsonDocument, string> startLine)
    {
        if (!message.IsDocument) return;
        BsonDocument document = message.AsDocument;
        writer.Captured($"{arrow} {startLine(document)}");
        foreach (BsonValue pair in document.Items("headers")) writer.Captured($"{arrow} {pair.AsArray[0].AsString}: {pair.AsArray[1].AsString}");
        if (document.Get("body").IsDocument) writer.Own($"{arrow} [body: {Display.Size(document.Number("body.decoded_len"))} decoded]");
        writer.Own(arrow);
    }
}
