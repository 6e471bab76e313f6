using System.Buffers;
using System.Globalization;
using System.Text;

namespace Sniffer.Servers.Mail;

/// <summary>Writes IMAP response syntax (RFC 3501 §9): atoms, quoted strings, literals, NIL.</summary>
internal sealed class ImapWriter(IBufferWriter<byte> output)
{
    private static readonly string[] MonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Text written as it is (ASCII protocol syntax).</summary>
    public ImapWriter Raw(string text)
    {
        Encoding.Latin1.GetBytes(text, output);
        return this;
    }

    public ImapWriter Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A literal: <c>{n}</c> CRLF and the bytes, used for message data and any string that cannot be quoted.</summary>
    public ImapWriter Literal(ReadOnlySpan<byte> bytes)
    {
        Raw($"{{{bytes.Length}}}\r\n");
        output.Write(bytes);
        return this;
    }

    /// <summary>NIL for null, else a quoted string when every byte may be quoted, else a literal.</summary>
    public ImapWriter NString(ReadOnlySpan<byte> bytes, bool isNull = false)
    {
        if (isNull) return Raw("NIL");
        foreach (byte b in bytes)
        {
            // RFC 3501 §9 QUOTED-CHAR: any 7-bit character but CR and LF (and NUL); 8-bit data needs a literal.
            if (b is 0 or (byte)'\r' or (byte)'\n' or >= 0x80) return Literal(bytes);
        }
        Raw("\"");
        foreach (byte b in bytes)
        {
            if (b is (byte)'"' or (byte)'\\') output.Write("\\"u8);
            output.Write([b]);
        }
        return Raw("\"");
    }

    public ImapWriter NString(string? text) => text is null ? Raw("NIL") : NString(Encoding.UTF8.GetBytes(text));

    /// <summary>A parenthesised list of flags or atoms separated by spaces.</summary>
    public ImapWriter AtomList(IEnumerable<string> atoms) => Raw("(").Raw(string.Join(' ', atoms)).Raw(")");

    /// <summary>An INTERNALDATE value (RFC 3501 §9 date-time): <c>"17-Jul-1996 02:44:25 -0700"</c>.</summary>
    public ImapWriter DateTime(DateTimeOffset date)
    {
        TimeSpan offset = date.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return Raw(string.Create(CultureInfo.InvariantCulture,
            $"\"{date.Day,2}-{MonthNames[date.Month - 1]}-{date.Year:D4} {date.Hour:D2}:{date.Minute:D2}:{date.Second:D2} {sign}{offset.Hours:D2}{offset.Minutes:D2}\""));
    }

    /// <summary>Parses an IMAP date-time (APPEND) or, with <paramref name="dateOnly"/>, a date (SEARCH SINCE etc.).</summary>
    public static bool TryParseDate(string text, bool dateOnly, out DateTimeOffset date)
    {
        date = default;
        string[] fields = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != (dateOnly ? 1 : 3)) return false;
        string[] day = fields[0].Split('-');
        if (day.Length != 3 || !int.TryParse(day[0], NumberStyles.None, CultureInfo.InvariantCulture, out int dayOfMonth)
            || !int.TryParse(day[2], NumberStyles.None, CultureInfo.InvariantCulture, out int year)) return false;
        int month = Array.FindIndex(MonthNames, name => name.Equals(day[1], StringComparison.OrdinalIgnoreCase)) + 1;
        if (month == 0 || year is < 1 or > 9999 || dayOfMonth < 1 || dayOfMonth > System.DateTime.DaysInMonth(year, month)) return false;
        if (dateOnly)
        {
            date = new DateTimeOffset(year, month, dayOfMonth, 0, 0, 0, TimeSpan.Zero);
            return true;
        }
        if (!TimeSpan.TryParseExact(fields[1], @"hh\:mm\:ss", CultureInfo.InvariantCulture, out TimeSpan time) || time.Days > 0) return false;
        string zone = fields[2];
        if (zone.Length != 5 || zone[0] is not ('+' or '-')
            || !int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int zoneHours)
            || !int.TryParse(zone.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int zoneMinutes)
            || zoneHours > 14 || zoneMinutes > 59) return false;
        var offset = new TimeSpan(zoneHours, zoneMinutes, 0);
        date = new DateTimeOffset(year, month, dayOfMonth, 0, 0, 0, zone[0] == '-' ? -offset : offset).Add(time);
        return true;
    }
}
