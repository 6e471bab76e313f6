using Xunit;

namespace Sniffer.Generator.Tests;

/// <summary>
/// Several generators on one set of mail servers, as several students might share a lab server: each one's IMAP
/// scenario finds the mail it sent during IDLE among the others' mail to the same mailbox.
/// </summary>
public sealed class SharedMailServerTests : IAsyncLifetime
{
    private const int Generators = 3;
    private const int Passes = 4;
    private LoopbackServers _servers = null!;

    public async Task InitializeAsync() => _servers = await LoopbackServers.StartAsync();

    public async Task DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task EachGeneratorFetchesItsOwnIdleMailWhenOthersWriteToTheSameMailbox()
    {
        GeneratorLog[] logs = await Task.WhenAll(Enumerable.Range(1, Generators).Select(seed =>
            LoopbackServers.RunAsync(_servers.Options(seed, Scenario.Imap) with { Count = Passes })));

        foreach (GeneratorLog log in logs)
        {
            Assert.Empty(log.Errors);
            MailEntry[] idleMails = [.. log.Mails.Where(mail => mail.Scenario == Scenario.Imap && mail.MessageId.Contains(".imap0@", StringComparison.Ordinal))];
            Assert.Equal(Passes, idleMails.Length);
            foreach (MailEntry sent in idleMails)
            {
                ImapFetchEntry fetched = Assert.Single(log.ImapFetches, fetch => fetch.ArrivedDuringIdle && fetch.Section == "BODY[]" && fetch.MessageId == sent.MessageId);
                Assert.Equal(sent.Md5, fetched.Md5);
            }
        }
    }
}
