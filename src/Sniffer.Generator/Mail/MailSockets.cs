using System.Net;
using System.Net.Sockets;

namespace Sniffer.Generator.Mail;

/// <summary>Connects the sockets MailKit's clients run over, so the log knows each session's client port.</summary>
internal static class MailSockets
{
    public static async Task<Socket> ConnectAsync(EndPoint server, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, ct).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static int ClientPort(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>The name MailKit is told it connected to (it only uses it for TLS, which these sessions do not start).</summary>
    public static (string Host, int Port) HostAndPort(EndPoint server) => server switch
    {
        IPEndPoint ip => (ip.Address.ToString(), ip.Port),
        DnsEndPoint dns => (dns.Host, dns.Port),
        _ => throw new ArgumentException($"unsupported end point {server}", nameof(server)),
    };

    /// <summary>A token cancelled when the run stops or after the per-step timeout.</summary>
    public static CancellationTokenSource StepTimeout(ScenarioContext context)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        timeout.CancelAfter(context.Options.RequestTimeout);
        return timeout;
    }
}
