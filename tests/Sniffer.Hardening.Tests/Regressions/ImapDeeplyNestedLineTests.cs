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
    [Fact]
    public void The_dissector_reads_the_line_and_completes_the_command()
    {
        byte[] conversation = ChunkScript.Write(
        [
            (Core.Flows.Direction.ServerToClient, "* PREAUTH ready\r\n"u8.ToArray()),
            (Core.Flows.Direction.ClientToServer, "n1 NOOP\r\n"u8.ToArray()),
            (Core.Flows.Direction.ServerToClient, System.Text.Encoding.ASCII.GetBytes("* 1 FETCH " + new string('(', 30_000) + "\r\nn1 OK done\r\n")),
        ]);

        ScriptDriver driver = new ScriptDriver(new ImapDissectorFactory()).Play(conversation);

        Assert.Equal("OK", Assert.Single(driver.Records<ImapCommandRecord>()).Status);
    }
}
