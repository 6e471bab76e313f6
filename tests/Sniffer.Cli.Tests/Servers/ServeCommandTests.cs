using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Sniffer.TestSupport;
using Xunit;

namespace Sniffer.Cli.Tests.Servers;

/// <summary>`sniffer serve` as a user runs it: three servers on free loopback ports, answering, stopped by a signal.</summary>
public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task ServePrintsWhereEachServerListensAnswersOnThemAndStopsOnSigterm()
    {
        using Process serve = SnifferProcess.Start("serve");
        try
        {
            var listening = new Dictionary<string, IPEndPoint>();
            while (listening.Count < 3)
            {
                string? text = await serve.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Match line = Listening().Match(text ?? throw new InvalidOperationException("serve ended early: " + await serve.StandardError.ReadToEndAsync()));
                Assert.True(line.Success, text);
                listening[line.Groups[1].Value] = IPEndPoint.Parse(line.Groups[2].Value);
            }
            Assert.All(listening.Values, e => Assert.True(IPAddress.IsLoopback(e.Address)));

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using HttpResponseMessage page = await http.GetAsync($"http://{listening["http"]}/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("session=", string.Join(";", page.Headers.GetValues("Set-Cookie")));
            Assert.StartsWith("220 ", await Greeting(listening["smtp"]));
            Assert.StartsWith("* OK ", await Greeting(listening["imap"]));

            using (Process term = Process.Start("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) term.WaitForExit(5000);
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, serve.ExitCode);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

    private static async Task<string> Greeting(IPEndPoint endPoint)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endPoint).WaitAsync(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(client.GetStream());
        return await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) ?? "";
    }

    [GeneratedRegex(@"^(http|smtp|imap)\s+listening on (\S+)$")]
    private static partial Regex Listening();
}
