using Sniffer.Core.Packets;
using static Sniffer.Decoding.Tests.Packets;

namespace Sniffer.Decoding.Tests;

/// <summary>Valid frames covering every link type and header path, for the robustness and allocation tests.</summary>
internal static class SampleFrames
{
    public static IReadOnlyList<(LinkType LinkType, byte[] Data)> All { get; } = Build();

    /// <summary>Frames that decode to TCP without fragment reassembly.</summary>
    public static IEnumerable<(LinkType LinkType, byte[] Data)> WholeTcp =>
        LinkLayerTests.EncapsulationCases().Select(row =>
        {
            var (name, version) = ((string)row[0], (int)row[1]);
            LinkLayerTests.Encapsulation encapsulation = LinkLayerTests.Encapsulations[name];
            return (encapsulation.LinkType, encapsulation.Wrap(LinkLayerTests.SampleIp(version == 6), version == 6));
        });

    private static List<(LinkType, byte[])> Build()
    {
        List<(LinkType, byte[])> frames = [.. WholeTcp];
        frames.Add((LinkType.Raw, IPv4(TcpHeader(flags: TcpFlags.Syn, options: SynOptions, payload: []), options: [1, 1, 1, 0])));
        frames.Add((LinkType.Raw, IPv6(Concat(IPv6OptionsHeader(IPv6Routing, 1), IPv6OptionsHeader(IPv6DestinationOptions, 2), IPv6OptionsHeader(Tcp, 1), TcpHeader()), nextHeader: IPv6HopByHop)));
        frames.Add((LinkType.Raw, IPv4(UdpHeader(53, 53, [1, 2, 3, 4]), Udp)));
        byte[] segment = TcpHeader();
        frames.Add((LinkType.Raw, IPv4(segment[..24], identification: 9, moreFragments: true)));
        frames.Add((LinkType.Raw, IPv4(segment[24..], identification: 9, fragmentOffset: 24)));
        frames.Add((LinkType.Raw, IPv6(Concat(IPv6FragmentHeader(Tcp, 0, true, 9), segment[..24]), nextHeader: IPv6Fragment)));
        frames.Add((LinkType.Raw, IPv6(Concat(IPv6FragmentHeader(Tcp, 24, false, 9), segment[24..]), nextHeader: IPv6Fragment)));
        return frames;
    }
}
