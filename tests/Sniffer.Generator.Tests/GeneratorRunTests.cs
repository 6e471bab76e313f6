using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Xunit;

namespace Sniffer.Generator.Tests;

/// <summary>The run as a whole: determinism for a seed, the count and duration bounds, timeouts, the log's JSON form.</summary>
public sealed class GeneratorRunTests
{
    /// <summary>Fields that differ between runs by nature: clocks and the ports the system hands out.</summary>
    private static readonly string[] RunSpecific = ["started_at", "ended_at", "servers", "client_port", "last_modified", "if_modified_since"];

    [Fact]
    public async Task SameSeedGivesTheSameLogAndAnotherSeedAnother()
    {
        string first = await RunOnFreshServersAsync(seed: 21);
        string second = await RunOnFreshServersAsync(seed: 21);
        string other = await RunOnFreshServersAsync(seed: 22);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    private static async Task<string> RunOnFreshServersAsync(int seed)
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(seed));
        Assert.Equal(Scenario.All, log.Scenarios);
        Assert.True(log.Totals.Errors == 0, string.Join("; ", log.Errors.Select(e => $"{e.Scenario}: {e.Message}")
            .Concat(log.HttpRequests.Where(r => r.Failed).Select(r => $"{r.Scenario} {r.Method} {r.Path}: {r.Status?.ToString() ?? r.Error} (expected {r.ExpectedStatus})"))));
        return WithoutRunSpecificFields(log.ToJson());
    }

    private static string WithoutRunSpecificFields(string json)
    {
        JsonNode root = JsonNode.Parse(json)!;
        Strip(root);
        return root.ToJsonString();

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (string name in RunSpecific) obj.Remove(name);
                    foreach (var property in obj) Strip(property.Value);
                    break;
                case JsonArray array:
                    foreach (JsonNode? item in array) Strip(item);
                    break;
            }
        }
    }

    [Fact]
    public async Task CountRepeatsTheScenarios()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(6, Scenario.Persistent) with { Count = 3 });

        Assert.Equal(3, log.Repetitions);
        Assert.Equal("count", log.StoppedBy);
        var perPass = log.HttpRequests.GroupBy(entry => entry.Repetition).Select(pass => pass.Count()).ToList();
        Assert.Equal(3, perPass.Count);
        Assert.Single(perPass.Distinct());
        Assert.Equal(3, log.Totals.HttpConnections);
    }

    [Fact]
    public async Task DurationEndsARunWithoutACount()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(6, Scenario.Persistent, Scenario.NonPersistent) with { Duration = TimeSpan.FromSeconds(1) });

        Assert.Equal("duration", log.StoppedBy);
        Assert.True(log.Repetitions < GeneratorOptions.MaxRepetitions);
        Assert.NotEmpty(log.HttpRequests);
        // A request the stop cut short is logged as interrupted, not as a server's failure.
        Assert.Equal(0, log.Totals.Errors);
    }

    [Fact]
    public async Task ASilentServerCostsOneTimeoutPerRequestAndIsLogged()
    {
        // A listener that accepts connections and never answers: the one case the project's server cannot play.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var options = new GeneratorOptions
        {
            Scenarios = [Scenario.Persistent],
            Http = new Uri($"http://{silent.LocalEndpoint}/"),
            RequestTimeout = TimeSpan.FromMilliseconds(300),
        };
        GeneratorLog log = await LoopbackServers.RunAsync(options);

        // The page never came, so there were no objects to ask for; the fixed requests each timed out.
        Assert.All(log.HttpRequests, entry =>
        {
            Assert.Null(entry.Status);
            Assert.StartsWith("no complete response within", entry.Error);
        });
        Assert.Equal("/", log.HttpRequests[0].Path);
        Assert.Equal(log.HttpRequests.Count, log.Totals.Errors);
    }

    [Fact]
    public async Task ASubmissionTheStopInterruptsIsLoggedAsInterrupted()
    {
        // An SMTP server that takes the whole message and never answers the final dot: the run's duration ends the
        // submission, after the message crossed the wire (a server may have stored it), so the log must keep it.
        using var silentAfterData = new TcpListener(IPAddress.Loopback, 0);
        silentAfterData.Start();
        using var stopServer = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task server = Task.Run(() => AcceptMessageAndStaySilent(silentAfterData, stopServer.Token));
        var options = new GeneratorOptions
        {
            Scenarios = [Scenario.Smtp],
            Smtp = silentAfterData.LocalEndpoint,
            Duration = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
        GeneratorLog log = await LoopbackServers.RunAsync(options);
        await stopServer.CancelAsync();
        await server;

        MailEntry mail = Assert.Single(log.Mails);
        Assert.True(mail.Interrupted);
        Assert.Equal("the run was stopped during this submission", mail.Error);
        Assert.NotEmpty(mail.Md5);
        Assert.Equal((0, 0), (log.Totals.Mails, log.Totals.Errors));
        Assert.Contains("\"interrupted\": true", log.ToJson());
    }

    /// <summary>Plays ESMTP with AUTH up to the end of DATA for one connection, then reads on without replying.</summary>
    private static async Task AcceptMessageAndStaySilent(TcpListener listener, CancellationToken stop)
    {
        try
        {
            using TcpClient client = await listener.AcceptTcpClientAsync(stop);
            using var reader = new StreamReader(client.GetStream());
            await using var writer = new StreamWriter(client.GetStream()) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 silent.test ESMTP");
            bool inData = false;
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (inData) continue; // the message, its final dot, and whatever follows: no reply ever
                string verb = line.Split(' ')[0].ToUpperInvariant();
                string reply = verb switch
                {
                    "EHLO" => "250-silent.test\r\n250 AUTH PLAIN LOGIN",
                    "AUTH" when line.Split(' ').Length > 2 => "235 accepted",
                    "AUTH" => "334 ",
                    "DATA" => "354 go on",
                    "QUIT" => "221 bye",
                    _ when line.Length > 0 && !line.Contains(' ') && !line.Contains(':') => "235 accepted", // an AUTH continuation
                    _ => "250 ok",
                };
                inData = verb == "DATA";
                await writer.WriteLineAsync(reply);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException)
        {
            // The test is over, or the client hung up.
        }
    }

    [Fact]
    public async Task UnknownScenarioOrMissingServerIsRefusedBeforeAnythingIsSent()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => TrafficGenerator.RunAsync(new GeneratorOptions { Scenarios = ["gopher"] }, CancellationToken.None));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TrafficGenerator.RunAsync(new GeneratorOptions { Scenarios = [Scenario.Imap] }, CancellationToken.None));
        Assert.Contains("IMAP", error.Message);
    }

    [Fact]
    public async Task LogReadsBackAsWritten()
    {
        await using var servers = await LoopbackServers.StartAsync();
        GeneratorLog log = await LoopbackServers.RunAsync(servers.Options(13, Scenario.Cookies, Scenario.Smtp));
        string path = Path.Combine(Path.GetTempPath(), $"sniffer-generator-{Guid.NewGuid():n}.json");
        try
        {
            log.Write(path);
            string json = File.ReadAllText(path);
            Assert.Contains("\"http_requests\"", json);
            Assert.Contains("\"recipients_refused\"", json);
            Assert.Equal(log.ToJson(), GeneratorLog.Read(path).ToJson());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
