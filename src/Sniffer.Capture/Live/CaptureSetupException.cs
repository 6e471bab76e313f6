namespace Sniffer.Capture.Live;

/// <summary>
/// Live capture could not start, with a message that tells the user what to do (install libpcap,
/// get the capability, pick a real interface, fix the filter). Never carries a stack trace to the console.
/// </summary>
public sealed class CaptureSetupException : Exception
{
    public CaptureSetupException(string message, Exception? inner = null) : base(message, inner) { }
}
