using System.Buffers;
using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.IO;
using Sniffer.Dissectors.Imap.Parsing;
using Xunit;

namespace Sniffer.Dissectors.Imap.Tests;

public class ImapTokenizerTests
{
    public static TheoryData<string> CompleteLines() => new(
        "a1 LOGIN alice \"p\\\"w\"\r\n",
        "* 1 FETCH (FLAGS (\\Seen) BODY[HEADER.FIELDS (FROM TO)]<0> NIL)\r\n",
        "* OK [PERMANENTFLAGS (\\Seen \\*)] Flags permitted.\r\n",
        "+ idling\r\n");

    [Theory]
    [MemberData(nameof(CompleteLines))]
    public void EveryPrefixOfALineNeedsMoreAndConsumesNothing(string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        for (int length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            Assert.Equal(ImapReadStatus.NeedMoreData, NewTokenizer(text).TryRead(ref reader, ZeroClock.Instance, out ImapLine? line));
            Assert.Null(line);
            Assert.Equal(0, reader.Consumed);
        }
        var whole = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(ImapReadStatus.Line, NewTokenizer(text).TryRead(ref whole, ZeroClock.Instance, out _));
        Assert.Equal(bytes.Length, whole.Consumed);
    }

    [Fact]
    public void EveryPrefixOfALineWithALiteralNeedsMoreAndConsumesNoTextBeforeItsEnd()
    {
        const string text = "* 2 FETCH (UID 7 BODY[] {24}\r\na9 OK fake\r\n* 3 EXISTS\r\n)\r\n";
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        int literalStart = text.IndexOf("a9", StringComparison.Ordinal);
        int literalEnd = literalStart + 24;
        for (int length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            Assert.Equal(ImapReadStatus.NeedMoreData, NewTokenizer(text).TryRead(ref reader, ZeroClock.Instance, out _));
            // Text is consumed only by whole physical lines; literal bytes as they come.
            long expected = length < literalStart ? 0 : Math.Min(length, literalEnd);
            Assert.Equal(expected, reader.Consumed);
        }
    }

    [Fact]
    public void LiteralsOfEveryKindStayData()
    {
        ImapLine line = ReadOne(ImapLineKind.Command, "A1 APPEND Box {4+}\r\n* OK ~{3}\r\nx\0y {0}\r\n\r\n");
        Assert.Equal(["A1", "APPEND", "Box", "{4+}", "~{3}", "{0}"], line.Tokens.Select(t => t.ToString()));
        ImapLiteral[] literals = line.Literals.ToArray();
        Assert.Equal("* OK", literals[0].Text[..4]);
        Assert.Equal([ImapLiteralKind.NonSynchronizing, ImapLiteralKind.Binary, ImapLiteralKind.Synchronizing], literals.Select(l => l.Kind));
        Assert.Equal("x\0y", literals[1].Text);
        Assert.All(literals, l => Assert.True(l.Complete));
    }

    [Theory]
    [InlineData("* 1 FETCH (FLAGS (\\Seen) UID 7)", "1 FETCH (FLAGS (\\Seen) UID 7)")]
    [InlineData("* LIST () \"/\" INBOX", "LIST () \"/\" INBOX")]
    [InlineData("* 1 FETCH (A (B (C D) E) F", "1 FETCH (A (B (C D) E) F)")] // unclosed: ends with the line
    [InlineData("* OK ) stray (X", "OK stray (X)")] // an unmatched ")" closes nothing
    public void Values_form_the_trees_the_parentheses_say(string text, string values)
    {
        ImapLine line = ReadOne(ImapLineKind.Response, text + "\r\n");
        Assert.Equal(values, string.Join(' ', ImapValue.Parse(line.Tokens, 1)));
    }

    [Fact]
    public void Parsing_keeps_nothing_of_a_line_once_its_values_are_dropped()
    {
        WeakReference literal = ParseAndDropALineWithALiteralInAList();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The parser's shared member stack once kept a popped value, its token and the literal's message alive.
        Assert.False(literal.IsAlive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference ParseAndDropALineWithALiteralInAList()
    {
        ImapLine line = ReadOne(ImapLineKind.Response, "* 1 FETCH (UID 3 BODY[] {5}\r\nhello FLAGS (\\Seen))\r\n");
        IReadOnlyList<ImapValue> values = ImapValue.Parse(line.Tokens, 1);
        Assert.Equal("hello", values[2].Items[3].Text);
        return new WeakReference(values[2].Items[3].Literal);
    }

    [Fact]
    public void A_line_nested_deeper_than_any_data_item_is_parsed_without_recursing_on_it()
    {
        // 30,000 levels fit in one 64 KB line; a parser recursing once per level would overflow the thread's stack.
        ImapLine line = ReadOne(ImapLineKind.Response, "* 1 FETCH " + new string('(', 30_000) + "x" + new string(')', 30_000) + "\r\n");

        IReadOnlyList<ImapValue> values = ImapValue.Parse(line.Tokens, 1);

        Assert.Equal(3, values.Count);
        int depth = 0;
        ImapValue value = values[2];
        while (value.IsList && value.Items.Count == 1 && value.Items[0].IsList)
        {
            value = value.Items[0];
            depth++;
        }
        // Nesting past what any IMAP response needs is flattened into the deepest list kept.
        Assert.Equal(255, depth);
        Assert.Equal("x", Assert.Single(value.Items).Text);
    }

    [Fact]
    public void QuotedStringsHaveTheirEscapesUndone()
    {
        ImapLine line = ReadOne(ImapLineKind.Command, "a1 LOGIN \"al\\\"ice\" \"p\\\\w\" \"\" \"plain\" \"open ends\r\n");
        Assert.Equal(["a1", "LOGIN", "al\"ice", "p\\w", "", "plain", "open ends"], line.Tokens.Select(t => t.Text));
        Assert.Equal(ImapTokenKind.Quoted, line.Tokens[2].Kind);
        // A backslash that ends the line has nothing to escape and stays.
        Assert.Equal("x\\", ReadOne(ImapLineKind.Command, "a2 SELECT \"x\\\r\n").Tokens[2].Text);
    }

    [Fact]
    public void SectionsAndResponseCodesAreOneTokenEach()
    {
        ImapLine line = ReadOne(ImapLineKind.Command, "f1 UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100> FLAGS)\r\n");
        Assert.Equal(["f1", "UID", "FETCH", "1:*", "(", "BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100>", "FLAGS", ")"], line.Tokens.Select(t => t.Text));
        ImapLine status = ReadOne(ImapLineKind.Response, "* OK [PERMANENTFLAGS (\\Seen \\*)] Flags {5}\r\n");
        Assert.Equal("[PERMANENTFLAGS (\\Seen \\*)]", status.Tokens[2].Text);
        // resp-text is prose: the "{5}" announced no literal.
        Assert.Empty(status.Literals);
    }

    [Fact]
    public void AnOversizedLineIsReportedAndSkipped()
    {
        var tokenizer = new ImapTokenizer(ImapLineKind.Response, DissectorSettings.Default with { MaxLineBytes = 16 }, KeptBytesBudget.Unlimited);
        var reader = Reader("* 1 FETCH (FLAGS (\\Seen \\Answered))\r\n* 2 EXISTS\r\n");
        Assert.Equal(ImapReadStatus.LineTooLong, tokenizer.TryRead(ref reader, ZeroClock.Instance, out _));
        Assert.Equal(ImapReadStatus.Line, tokenizer.TryRead(ref reader, ZeroClock.Instance, out ImapLine? next));
        Assert.Equal("* 2 EXISTS", next!.Head);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(65_536)]
    [InlineData(200_000)]
    [InlineData(3_000_000)]
    public void A_literal_arriving_in_segments_ends_in_an_array_of_exactly_its_size(int size)
    {
        byte[] content = new byte[size];
        new Random(size).NextBytes(content);
        byte[] wire = [.. Encoding.ASCII.GetBytes($"* 1 FETCH (BODY[] {{{size}}}\r\n"), .. content, .. ")\r\n"u8];
        ImapLine line = ReadInSegments(wire, 1448);
        ImapLiteral literal = Assert.Single(line.Literals);
        Assert.True(literal.Complete);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(literal.Data, out ArraySegment<byte> kept));
        // Exactly its size: a whole message fetched this way is kept by the mail model without another copy.
        Assert.Equal(size, kept.Array!.Length);
        Assert.Equal(content, literal.Data.ToArray());
    }

    [Fact]
    public void Literals_that_announce_much_and_send_little_hold_no_more_than_the_budget_and_give_it_back()
    {
        // Twenty connections each announce 900,000 bytes and send ten: trusted, they would hold 18 MB.
        var budget = new KeptBytesBudget(2 * 1024 * 1024);
        var tokenizers = Enumerable.Range(0, 20).Select(_ => new ImapTokenizer(ImapLineKind.Response, DissectorSettings.Default, budget)).ToList();
        foreach (ImapTokenizer tokenizer in tokenizers)
        {
            var reader = Reader("* 1 FETCH (BODY[] {900000}\r\n0123456789");
            Assert.Equal(ImapReadStatus.NeedMoreData, tokenizer.TryRead(ref reader, ZeroClock.Instance, out _));
            Assert.InRange(budget.HeldBytes, 1, budget.MaxBytes);
        }

        foreach (ImapTokenizer tokenizer in tokenizers)
        {
            ImapLiteral literal = Assert.Single(tokenizer.TakeUnfinished()!.Literals);
            Assert.False(literal.Complete);
            Assert.False(literal.BudgetExhausted);
            Assert.Equal("0123456789", literal.Text);
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(literal.Data, out ArraySegment<byte> kept));
            Assert.Equal(10, kept.Array!.Length);
        }
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public void A_literal_the_spent_budget_cannot_keep_is_counted_whole_and_marked()
    {
        var budget = new KeptBytesBudget(1000);
        var tokenizer = new ImapTokenizer(ImapLineKind.Response, DissectorSettings.Default, budget);
        var reader = Reader("* 1 FETCH (BODY[] {5000}\r\n" + new string('m', 5000) + ")\r\n");

        Assert.Equal(ImapReadStatus.Line, tokenizer.TryRead(ref reader, ZeroClock.Instance, out ImapLine? line));

        ImapLiteral literal = Assert.Single(line!.Literals);
        Assert.True(literal.Complete);
        Assert.True(literal.BudgetExhausted);
        Assert.True(literal.Truncated);
        Assert.Equal(5000, literal.ReceivedBytes);
        Assert.Equal(0, literal.Data.Length);
        Assert.Equal(0, budget.HeldBytes);
    }

    [Fact]
    public void An_abandoned_literal_gives_its_share_of_the_budget_back()
    {
        var budget = new KeptBytesBudget(1 << 20);
        var tokenizer = new ImapTokenizer(ImapLineKind.Response, DissectorSettings.Default, budget);
        var reader = Reader("* 1 FETCH (BODY[] {50000}\r\n" + new string('m', 3000));
        Assert.Equal(ImapReadStatus.NeedMoreData, tokenizer.TryRead(ref reader, ZeroClock.Instance, out _));
        Assert.Equal(50_000, budget.HeldBytes);

        tokenizer.Abandon();

        Assert.Equal(0, budget.HeldBytes);
        Assert.Null(tokenizer.TakeUnfinished());
    }

    private static ImapLine ReadInSegments(byte[] wire, int segment)
    {
        var tokenizer = new ImapTokenizer(ImapLineKind.Response, DissectorSettings.Default, KeptBytesBudget.Unlimited);
        byte[] pending = [];
        for (int offset = 0; offset < wire.Length; offset += segment)
        {
            pending = [.. pending, .. wire.AsSpan(offset, Math.Min(segment, wire.Length - offset))];
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(pending));
            ImapReadStatus status = tokenizer.TryRead(ref reader, ZeroClock.Instance, out ImapLine? line);
            pending = pending[(int)reader.Consumed..];
            if (status == ImapReadStatus.Line) return line!;
            Assert.Equal(ImapReadStatus.NeedMoreData, status);
        }
        throw new InvalidOperationException("the line never ended");
    }

    private static ImapTokenizer NewTokenizer(string text) =>
        new(text.StartsWith('*') || text.StartsWith('+') ? ImapLineKind.Response : ImapLineKind.Command, DissectorSettings.Default, KeptBytesBudget.Unlimited);

    private static ImapLine ReadOne(ImapLineKind kind, string text)
    {
        var reader = Reader(text);
        Assert.Equal(ImapReadStatus.Line, new ImapTokenizer(kind, DissectorSettings.Default, KeptBytesBudget.Unlimited).TryRead(ref reader, ZeroClock.Instance, out ImapLine? line));
        return line!;
    }

    private static SequenceReader<byte> Reader(string text) => new(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)));

    private sealed class ZeroClock : IStreamClock
    {
        public static readonly ZeroClock Instance = new();

        public long TimeAt(long relativeOffset) => 0;

        public long StreamOffsetOf(long relativeOffset) => relativeOffset;
    }
}
