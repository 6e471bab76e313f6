namespace Sniffer.Dissectors.Http.Records;

/// <summary>
/// One header or trailer field as sent. Bytes are decoded as UTF-8 when valid, otherwise as Latin-1
/// (RFC 9110 §5.5), and kept raw: escaping for display is the display layer's job (SafeText).
/// </summary>
public sealed record HttpHeader(string Name, string Value);
