using System.Net;
using System.Net.Sockets;

namespace Sniffer.Servers.Http.Tests;

/// <summary>HttpClients aimed at a test server under the virtual hosts' real names.</summary>
internal static class TestClients
{
    public static readonly Uri Site = new($"http://{TestSite.SiteHost}/");
    public static readonly Uri Tracker = new($"http://{TestSite.TrackerHost}/");

    /// <summary>
    /// Every host name is connected to the test server, as if DNS said so: URLs and Host fields name the virtual
    /// hosts, and the cookie container judges cookie domains by them, as a browser would.
    /// </summary>
    public static HttpClient For(
        HttpTestServer server,
        CookieContainer? cookies = null,
        DecompressionMethods decompression = DecompressionMethods.GZip | DecompressionMethods.Brotli,
        bool followRedirects = true)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(server.EndPoint, cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            UseCookies = true,
            CookieContainer = cookies ?? new CookieContainer(),
            AutomaticDecompression = decompression,
            AllowAutoRedirect = followRedirects,
        };
        return new HttpClient(handler) { BaseAddress = Site, Timeout = TimeSpan.FromSeconds(30) };
    }
}
