using System.Buffers.Binary;

namespace Sniffer.Decoding;

/// <summary>Reads the options Sniffer reports from a TCP header's option bytes, never trusting their lengths.</summary>
internal static class TcpOptionParser
{
    private const byte EndOfOptionList = 0;
    private const byte NoOperation = 1;
    private const byte MaximumSegmentSize = 2; // RFC 9293 §3.2
    private const byte WindowScale = 3;        // RFC 7323 §2
    private const byte SackPermitted = 4;      // RFC 2018 §2
    private const byte Timestamps = 8;         // RFC 7323 §3

    /// <summary>
    /// Parses <paramref name="options"/> (the bytes between the fixed header and the data offset).
    /// <paramref name="wellFormed"/> is false when an option's length overruns the list or does not fit its
    /// kind; parsing stops at a broken length (nothing after it can be located) and skips a known kind
    /// with the wrong length, keeping what was read, as Wireshark does.
    /// </summary>
    public static TcpOptions Parse(ReadOnlySpan<byte> options, out bool wellFormed)
    {
        int maximumSegmentSize = -1, windowScale = -1;
        bool sackPermitted = false, hasTimestamps = false;
        uint timestampValue = 0, timestampEcho = 0;
        wellFormed = true;

        int position = 0;
        while (position < options.Length)
        {
            byte kind = options[position];
            if (kind == EndOfOptionList) break;
            if (kind == NoOperation)
            {
                position++;
                continue;
            }

            // RFC 9293 §3.1: every other option is kind, length (counting kind and length), data.
            if (position + 1 >= options.Length)
            {
                wellFormed = false;
                break;
            }
            int length = options[position + 1];
            if (length < 2 || position + length > options.Length)
            {
                wellFormed = false;
                break;
            }

            ReadOnlySpan<byte> value = options.Slice(position + 2, length - 2);
            switch (kind)
            {
                case MaximumSegmentSize when value.Length == 2:
                    maximumSegmentSize = BinaryPrimitives.ReadUInt16BigEndian(value);
                    break;
                case WindowScale when value.Length == 1:
                    // Reported raw: RFC 7323 §2.3 clamps shifts above 14, which is the stream layer's call.
                    windowScale = value[0];
                    break;
                case SackPermitted when value.Length == 0:
                    sackPermitted = true;
                    break;
                case Timestamps when value.Length == 8:
                    hasTimestamps = true;
                    timestampValue = BinaryPrimitives.ReadUInt32BigEndian(value);
                    timestampEcho = BinaryPrimitives.ReadUInt32BigEndian(value[4..]);
                    break;
                case MaximumSegmentSize or WindowScale or SackPermitted or Timestamps:
                    wellFormed = false;
                    break;
            }
            position += length;
        }

        return new TcpOptions(maximumSegmentSize, windowScale, sackPermitted, hasTimestamps, timestampValue, timestampEcho);
    }
}
