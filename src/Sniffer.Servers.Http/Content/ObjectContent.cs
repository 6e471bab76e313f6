using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Sniffer.Servers.Http.Content;

/// <summary>
/// The bytes of each kind of static object, deterministic for a name and version. Text grows rule by rule until it
/// reaches its size, so it compresses like real stylesheets and scripts do (repetitive, but not one repeated byte).
/// </summary>
internal static class ObjectContent
{
    public static byte[] Stylesheet(string name, int version, int approximateBytes)
    {
        var random = SplitMix64.For(name, version);
        var text = new StringBuilder($"/* {name}, version {version}: the sniffer test site's stylesheet */\n");
        for (int rule = 0; text.Length < approximateBytes; rule++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $".block-{rule} {{ margin: {random.Below(24)}px {random.Below(24)}px; padding: {random.Below(16)}px; color: #{random.Below(0x1000000):x6}; font-size: {10 + random.Below(14)}px; }}\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Script(string name, int version, int approximateBytes)
    {
        var random = SplitMix64.For(name, version);
        var text = new StringBuilder($"// {name}, version {version}: the sniffer test site's script\n\"use strict\";\n");
        for (int function = 0; text.Length < approximateBytes; function++)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                function widget{{function}}(element) {
                  const limit = {{random.Below(1000)}};
                  let total = 0;
                  for (let i = 0; i < limit; i += {{1 + random.Below(9)}}) { total += (i * {{random.Below(97)}}) % {{1 + random.Below(31)}}; }
                  element.dataset.widget{{function}} = String(total);
                  return total;
                }

                """);
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Json(string name, int version, int approximateBytes)
    {
        var random = SplitMix64.For(name, version);
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{{\"name\":\"{name}\",\"version\":{version},\"items\":["));
        for (int item = 0; text.Length < approximateBytes; item++)
        {
            if (item > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture,
                $"{{\"id\":{item},\"title\":\"item {item}\",\"price\":{random.Below(100_000) / 100m},\"stock\":{random.Below(500)}}}");
        }
        return Encoding.UTF8.GetBytes(text.Append("]}\n").ToString());
    }

    /// <summary>
    /// A JPEG's framing (SOI, a JFIF APP0 segment, COM segments, EOI) around deterministic filler, not a decodable
    /// picture: a JPEG encoder is not worth writing for a test object, and what the captures need is a realistic
    /// size, a realistic type and the right first bytes for content sniffers.
    /// </summary>
    public static byte[] Jpeg(string name, int version, int bytes)
    {
        var random = SplitMix64.For(name, version);
        byte[] jpeg = new byte[bytes];
        Span<byte> output = jpeg;
        ReadOnlySpan<byte> header =
        [
            0xFF, 0xD8, // SOI
            0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        ];
        header.CopyTo(output);
        int at = header.Length;
        int end = bytes - 2; // room for EOI
        while (at < end)
        {
            // A segment's length counts its own two length bytes and is at most 65535 (ITU T.81 B.1.1.4);
            // a tail too short for a segment header is absorbed by the previous segment's filler.
            int segment = Math.Min(end - at, 65535 + 2);
            if (end - at - segment is > 0 and < 4) segment -= 4;
            output[at] = 0xFF;
            output[at + 1] = 0xFE; // COM
            BinaryPrimitives.WriteUInt16BigEndian(output[(at + 2)..], (ushort)(segment - 2));
            random.Fill(output.Slice(at + 4, segment - 4));
            at += segment;
        }
        output[end] = 0xFF;
        output[end + 1] = 0xD9; // EOI
        return jpeg;
    }

    /// <summary>The smallest transparent GIF: a 1×1 image with a two-colour palette and a transparency extension.</summary>
    public static ReadOnlySpan<byte> TrackingPixel =>
    [
        (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a',
        0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, // logical screen 1×1, global colour table of 2 entries
        0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,       // black, white
        0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, // graphic control: colour 0 is transparent
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, // image descriptor
        0x02, 0x02, 0x44, 0x01, 0x00, // LZW minimum code size 2, one data sub-block, terminator
        0x3B, // trailer
    ];
}
