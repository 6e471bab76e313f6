using System.Net;

namespace Sniffer.Generator;

/// <summary>What one scenario run needs: its name and pass, its seeded random source, where the servers are, and where to log.</summary>
internal sealed record ScenarioContext(
    string Scenario,
    int Repetition,
    Random Random,
    GeneratorOptions Options,
    ServerEndPoints Servers,
    LogRecorder Recorder,
    CancellationToken Cancellation)
{
    public void Fail(string message) => Recorder.Add(new ScenarioError(Scenario, Repetition, message));
}

/// <summary>The servers' addresses as sockets connect to them.</summary>
internal sealed record ServerEndPoints(EndPoint? Http, EndPoint? Smtp, EndPoint? Imap);
