using Sniffer.Dissectors.Imap;
using Sniffer.Dissectors.Imap.Records;
using Sniffer.Fuzzing;

namespace Sniffer.Hardening.Tests.Regressions;

/// <summary>
/// Found while reworking the IMAP value parser for speed: it recursed once per "(" of a line, so one response line of
/// 30,000 opening parentheses (well inside the 64 KB line limit) overflowed the stack and killed the whole process,
/// whatever else the capture held.
/// </summary>
public sealed class ImapDeeplyNestedLineTests
{
    private static readonly byte[] Conversation = ChunkScript.Write(
    [
        (Core.Flows.Direction.ServerToClient, "* OK IMAP4rev1 ready\r\n"u8.ToArray()),
        (Core.Flows.Direction.ClientToServer, "a1 SELECT INBOX\r\n"u8.ToArray()),
        (Core.Flows.Direction.ServerToClient, "* 1 EXISTS\r\na1 OK [READ-WRITE] done\r\n"u8.ToArray()),
        (Core.Flows.Direction.ClientToServer, "a2 FETCH 1 FLAGS\r\n"u8.ToArray()),
        (Core.Flows.Direction.ServerToClient, System.Text.Encoding.ASCII.GetBytes("* 1 FETCH " + new string('(', 30_000) + "\r\na2 OK done\r\n")),
    ]);

    [Fact]
    public void The_dissector_reads_the_line_and_completes_the_command()
    {
        ScriptDriver driver = new ScriptDriver(new ImapDissectorFactory()).Play(Conversation);

        ImapCommandRecord fetch = Assert.Single(driver.Records<ImapCommandRecord>(), c => c.Command == "FETCH");
        Assert.Equal("OK", fetch.Status);
    }
}
