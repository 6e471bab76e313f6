using Sniffer.Capture.Files;
using Sniffer.Core.Packets;
using Sniffer.TestSupport.CaptureFiles;

namespace Sniffer.Capture.Tests.Files;

/// <summary>A frame copied out of the reader's buffer, comparable by value.</summary>
internal sealed record FrameCopy(string DataHex, int OriginalLength, long TimestampNs, LinkType LinkType, long FrameNumber)
{
    public static FrameCopy Of(CaptureFrame frame) =>
        new(Convert.ToHexString(frame.Data), frame.OriginalLength, frame.TimestampNs, frame.LinkType, frame.FrameNumber);
}

/// <summary>Everything a reader reported about one file, read to its end or to the error that stopped it.</summary>
internal sealed record ReadOutcome(
    CaptureFileFormat Format,
    bool IsCompressed,
    IReadOnlyList<FrameCopy> Frames,
    IReadOnlyList<CaptureInterface> Interfaces,
    IReadOnlyList<ReaderWarning> Warnings,
    CaptureFileException? Error);

internal static class CaptureReadBack
{
    /// <summary>Writes <paramref name="content"/> to a temporary file and reads it completely; open failures propagate.</summary>
    public static ReadOutcome ReadAll(byte[] content, string extension = ".cap")
    {
        using TemporaryFile file = TemporaryFile.WithContent(content, extension);
        return ReadAll(file.Path);
    }

    public static ReadOutcome ReadAll(string path)
    {
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        var frames = new List<FrameCopy>();
        CaptureFileException? error = null;
        try
        {
            while (reader.TryReadNext(out CaptureFrame frame)) frames.Add(FrameCopy.Of(frame));
        }
        catch (CaptureFileException e)
        {
            error = e;
        }
        // Once finished, by end or error, a reader stays finished.
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(frames.Count, reader.FramesRead);
        return new ReadOutcome(reader.Format, reader.IsCompressed, frames, reader.Interfaces.ToList(), reader.Warnings.ToList(), error);
    }

    public static byte[] Bytes(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(seed + i)).ToArray();

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
