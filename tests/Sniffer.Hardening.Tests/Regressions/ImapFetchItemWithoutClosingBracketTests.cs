using Sniffer.Dissectors.Imap;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Fuzzing;

namespace Sniffer.Hardening.Tests.Regressions;

/// <summary>
/// Found by the in-process mutation campaign on the imap harness: a FETCH item with '[' but no ']' after it
/// ("BODY[HEADER.FIELDS (DATE) {5}") made the section slice negative and an ArgumentOutOfRangeException escaped the dissector.
/// </summary>
public sealed class ImapFetchItemWithoutClosingBracketTests
{
    private static readonly byte[] Conversation = ChunkScript.Write(
    [
        (Core.Flows.Direction.ServerToClient, "* OK IMAP4rev1 ready\r\n"u8.ToArray()),
        (Core.Flows.Direction.ClientToServer, "a1 SELECT INBOX\r\n"u8.ToArray()),
        (Core.Flows.Direction.ServerToClient, "* 1 EXISTS\r\na1 OK [READ-WRITE] done\r\n"u8.ToArray()),
        (Core.Flows.Direction.ClientToServer, "a2 FETCH 1 BODY.PEEK[HEADER]\r\n"u8.ToArray()),
        (Core.Flows.Direction.ServerToClient, "* 1 FETCH (BODY[HEADER {5}\r\nab\r\n\r\n)\r\na2 OK done\r\n"u8.ToArray()),
    ]);

    [Fact]
    public void The_dissector_reads_on_past_the_item_and_completes_the_command()
    {
        ScriptDriver driver = new ScriptDriver(new ImapDissectorFactory()).Play(Conversation);

        ImapCommandRecord fetch = Assert.Single(driver.Records<ImapCommandRecord>(), c => c.Command == "FETCH");
        Assert.Equal("OK", fetch.Status);
    }
}
