using System.Text;
using Sniffer.Reports.Csv;
using Sniffer.Reports.Har;
using Sniffer.Reports.Session;
using Sniffer.Reports.Store;

namespace Sniffer.Reports.Tests;

/// <summary>Each format of a store rendered to a string, as the CLI writes it to a file.</summary>
public static class Rendering
{
    public static string Html(StoreCursor cursor, SessionReportOptions? options = null) =>
        Text(writer => new SessionReport(cursor, options).Write(new HtmlReportRenderer(writer)));

    public static string Markdown(StoreCursor cursor, SessionReportOptions? options = null) =>
        Text(writer => new SessionReport(cursor, options).Write(new MarkdownReportRenderer(writer)));

    public static string Csv(StoreCursor cursor, CsvTable table) => Text(writer => new CsvExport(cursor).Write(table, writer));

    public static string Har(StoreCursor cursor)
    {
        using var output = new MemoryStream();
        new HarWriter(cursor).Write(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static string Text(Action<TextWriter> write)
    {
        using var writer = new StringWriter();
        write(writer);
        return writer.ToString();
    }
}
