using SharpPcap;
using SharpPcap.LibPcap;
using Sniffer.Core.Packets;

namespace Sniffer.Capture.Live;

/// <summary>One capture device as libpcap lists it (tshark -D, with more detail).</summary>
public sealed record LiveInterface(
    string Name,
    string? Description,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Flags,
    LinkType? LinkType,
    string? LinkTypeProblem);

/// <summary>Lists libpcap's devices and turns libpcap's failures into <see cref="CaptureSetupException"/>.</summary>
public static class LiveInterfaces
{
    // pcap_findalldevs flags (pcap/pcap.h).
    private const uint IfLoopback = 0x1, IfUp = 0x2, IfRunning = 0x4, IfWireless = 0x8, IfConnectionStatus = 0x30;

    public const string InstallLibpcapHint =
        "libpcap is not installed: run `apt-get install libpcap0.8` (as root, or with sudo)";

    public const string PermissionHint =
        "live capture needs root or the capture capabilities: run as root, or " +
        "`setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which dotnet))`";

    /// <summary>Every device libpcap can capture on. Link types need the device opened, which needs capture permission.</summary>
    public static IReadOnlyList<LiveInterface> List()
    {
        var result = new List<LiveInterface>();
        foreach (LibPcapLiveDevice device in Devices())
        {
            var (linkType, problem) = ProbeLinkType(device);
            result.Add(new LiveInterface(
                device.Name,
                string.IsNullOrWhiteSpace(device.Description) ? null : device.Description,
                device.Addresses.Select(a => a.Addr?.ipAddress?.ToString()).OfType<string>().ToList(),
                DescribeFlags(device.Flags),
                linkType,
                problem));
        }
        return result;
    }

    /// <summary>The device called <paramref name="name"/>; a clear error listing the real ones when there is none.</summary>
    public static LibPcapLiveDevice Find(string name)
    {
        var devices = Devices();
        return devices.FirstOrDefault(d => d.Name == name)
            ?? throw new CaptureSetupException(
                $"no capture interface named '{name}'; available: {string.Join(", ", devices.Select(d => d.Name))}");
    }

    /// <summary>Translates what libpcap throws when it opens or filters a device into advice.</summary>
    public static CaptureSetupException Explain(Exception error, string interfaceName)
    {
        string message = error.Message;
        if (IsLibpcapMissing(error)) return new CaptureSetupException(InstallLibpcapHint, error);
        if (message.Contains("ermission", StringComparison.Ordinal) || message.Contains("not permitted", StringComparison.Ordinal))
            return new CaptureSetupException($"cannot open '{interfaceName}': {message.Trim()}; {PermissionHint}", error);
        return new CaptureSetupException($"cannot capture on '{interfaceName}': {message.Trim()}", error);
    }

    internal static bool IsLibpcapMissing(Exception error) =>
        error is DllNotFoundException || error.InnerException is DllNotFoundException
        || (error is TypeInitializationException { InnerException: { } inner } && IsLibpcapMissing(inner));

    private static IReadOnlyList<LibPcapLiveDevice> Devices()
    {
        try
        {
            return LibPcapLiveDeviceList.New();
        }
        catch (Exception error) when (IsLibpcapMissing(error))
        {
            throw new CaptureSetupException(InstallLibpcapHint, error);
        }
        catch (PcapException error)
        {
            throw new CaptureSetupException("libpcap could not list devices: " + error.Message, error);
        }
    }

    private static (LinkType?, string?) ProbeLinkType(LibPcapLiveDevice device)
    {
        try
        {
            device.Open(new DeviceConfiguration { Snaplen = 128, ReadTimeout = 100 });
            try
            {
                return ((LinkType)(ushort)device.LinkType, null);
            }
            finally
            {
                device.Close();
            }
        }
        catch (Exception error) when (error is PcapException or PlatformNotSupportedException)
        {
            return (null, Explain(error, device.Name).Message);
        }
    }

    private static IReadOnlyList<string> DescribeFlags(uint flags)
    {
        var names = new List<string>();
        if ((flags & IfUp) != 0) names.Add("up");
        if ((flags & IfRunning) != 0) names.Add("running");
        if ((flags & IfLoopback) != 0) names.Add("loopback");
        if ((flags & IfWireless) != 0) names.Add("wireless");
        switch (flags & IfConnectionStatus)
        {
            case 0x10: names.Add("connected"); break;
            case 0x20: names.Add("disconnected"); break;
        }
        return names;
    }
}
