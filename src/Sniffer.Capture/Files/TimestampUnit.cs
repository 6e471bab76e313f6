namespace Sniffer.Capture.Files;

/// <summary>
/// The unit of an interface's timestamps: <c>Base</c>^-<c>Exponent</c> seconds. pcapng's if_tsresol allows
/// powers of 10 and of 2 (draft-ietf-opsawg-pcapng, "if_tsresol"); classic pcap has only 10^-6 and 10^-9.
/// </summary>
public readonly record struct TimestampUnit(int Base, int Exponent)
{
    public static TimestampUnit Microseconds => new(10, 6);
    public static TimestampUnit Nanoseconds => new(10, 9);

    public override string ToString() => $"{Base}^-{Exponent} s";
}
