using System.Net;

namespace Sniffer.Servers.Http;

/// <summary>Where the test HTTP server listens and how big its page is.</summary>
public sealed class HttpTestServerOptions
{
    /// <summary>The address to listen on; loopback unless <see cref="AllowNonLoopback"/> says otherwise.</summary>
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port; 0 lets the system pick a free one (read it back from <see cref="HttpTestServer.EndPoint"/>).</summary>
    public int Port { get; init; }

    /// <summary>How many objects <c>GET /</c> references, taken in order from <see cref="TestSite.ObjectNames"/>.</summary>
    public int PageObjects { get; init; } = 8;

    /// <summary>
    /// A test server answers anyone who can reach it, sets tracking cookies and accepts uploads:
    /// listening beyond loopback has to be asked for explicitly.
    /// </summary>
    public bool AllowNonLoopback { get; init; }
}
