using System.Globalization;

namespace Sniffer.Servers.Mail;

/// <summary>
/// An IMAP sequence set (RFC 3501 §9 sequence-set): numbers and ranges such as <c>1,3:5,7:*</c>, of message
/// sequence numbers or of UIDs. "*" is the largest number in use, and a range may be written either way round.
/// </summary>
internal sealed class SequenceSet
{
    /// <summary>Stands for "*" until the largest number is known.</summary>
    private const uint Largest = uint.MaxValue;

    private readonly List<(uint First, uint Last)> _ranges;

    private SequenceSet(List<(uint First, uint Last)> ranges) => _ranges = ranges;

    public static bool TryParse(string text, out SequenceSet set)
    {
        set = new SequenceSet([]);
        if (text.Length == 0) return false;
        foreach (string item in text.Split(','))
        {
            string[] ends = item.Split(':');
            if (ends.Length > 2 || !TryParseNumber(ends[0], out uint first)) return false;
            uint last = first;
            if (ends.Length == 2 && !TryParseNumber(ends[1], out last)) return false;
            set._ranges.Add((first, last));
        }
        return true;
    }

    /// <summary>True when <paramref name="number"/> is in the set, "*" standing for <paramref name="largest"/>.</summary>
    public bool Contains(uint number, uint largest)
    {
        foreach ((uint first, uint last) in _ranges)
        {
            uint a = first == Largest ? largest : first;
            uint b = last == Largest ? largest : last;
            if (number >= Math.Min(a, b) && number <= Math.Max(a, b)) return true;
        }
        return false;
    }

    /// <summary>True when every explicit number is at most <paramref name="largest"/> (message sequence numbers must exist).</summary>
    public bool IsWithin(uint largest) => _ranges.All(range => (range.First == Largest || range.First <= largest) && (range.Last == Largest || range.Last <= largest));

    /// <summary>Writes UIDs compactly as ranges (for COPYUID), in the order given.</summary>
    public static string Format(IReadOnlyList<uint> numbers)
    {
        var parts = new List<string>();
        for (int i = 0; i < numbers.Count;)
        {
            int j = i;
            while (j + 1 < numbers.Count && numbers[j + 1] == numbers[j] + 1) j++;
            parts.Add(j == i ? numbers[i].ToString(CultureInfo.InvariantCulture) : $"{numbers[i]}:{numbers[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    private static bool TryParseNumber(string text, out uint number)
    {
        number = Largest;
        if (text == "*") return true;
        // RFC 3501 §9 nz-number: digits, no leading zero, not 0.
        return text.Length > 0 && text[0] != '0' && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number != Largest;
    }
}
