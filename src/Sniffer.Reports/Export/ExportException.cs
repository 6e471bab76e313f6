namespace Sniffer.Reports.Export;

/// <summary>An export or report that cannot be written as asked (an existing file without --force, a missing capture): exit 1, one line.</summary>
public sealed class ExportException(string message) : IOException(message);
