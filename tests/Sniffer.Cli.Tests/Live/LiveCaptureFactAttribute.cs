using Sniffer.Capture.Live;
using Xunit;

namespace Sniffer.Cli.Tests.Live;

/// <summary>
/// A fact that needs a real libpcap capture on <c>lo</c>: it skips, saying why, without libpcap or without
/// the permission to capture (CI runs as root, so there it always runs).
/// </summary>
public sealed class LiveCaptureFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public LiveCaptureFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = "live capture on lo is not possible here: " + reason;
    }

    private static string? Probe()
    {
        try
        {
            using LiveCapture probe = LiveCapture.Start(new LiveCaptureOptions { InterfaceName = "lo", Filter = "tcp port 9", BufferBytes = 1 << 20 });
            return null;
        }
        catch (CaptureSetupException error)
        {
            return error.Message;
        }
    }
}
