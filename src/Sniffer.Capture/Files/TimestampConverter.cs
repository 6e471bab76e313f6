namespace Sniffer.Capture.Files;

/// <summary>
/// Turns a pcapng interface's 64-bit timestamps into Unix nanoseconds: units × 10^9 / unit-per-second, plus
/// if_tsoffset. Int128 keeps every intermediate exact (2^64 × 10^9 &lt; 2^94), so hostile resolutions cannot overflow.
/// </summary>
internal readonly struct TimestampConverter
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    // Units of 10^-e s: multiply by 10^(9-e) when e ≤ 9, else divide by 10^(e-9). Dividing a 64-bit count
    // by 10^20 or more always gives 0, so the divisor is capped there and stays within Int128.
    private const int LargestUsefulDecimalDivisorExponent = 20;

    private readonly Int128 _multiplier;
    private readonly Int128 _divisor;
    private readonly int _rightShift;
    private readonly Int128 _offsetNs;

    private TimestampConverter(Int128 multiplier, Int128 divisor, int rightShift, long offsetSeconds)
    {
        _multiplier = multiplier;
        _divisor = divisor;
        _rightShift = rightShift;
        _offsetNs = (Int128)offsetSeconds * NanosecondsPerSecond;
    }

    public static TimestampConverter For(TimestampUnit unit, long offsetSeconds)
    {
        if (unit.Base == 2) return new TimestampConverter(NanosecondsPerSecond, 1, unit.Exponent, offsetSeconds);
        return unit.Exponent <= 9
            ? new TimestampConverter(Int128Pow10(9 - unit.Exponent), 1, 0, offsetSeconds)
            : new TimestampConverter(1, Int128Pow10(Math.Min(unit.Exponent - 9, LargestUsefulDecimalDivisorExponent)), 0, offsetSeconds);
    }

    public long ToUnixNanoseconds(ulong units)
    {
        Int128 nanoseconds = units * _multiplier;
        if (_divisor != Int128.One) nanoseconds /= _divisor;
        nanoseconds = (nanoseconds >> _rightShift) + _offsetNs;
        // Only a nonsensical if_tsoffset can leave the range of a long (years ±292 billion); clamp, never wrap.
        return (long)Int128.Clamp(nanoseconds, long.MinValue, long.MaxValue);
    }

    private static Int128 Int128Pow10(int exponent)
    {
        Int128 value = 1;
        for (int i = 0; i < exponent; i++) value *= 10;
        return value;
    }
}
