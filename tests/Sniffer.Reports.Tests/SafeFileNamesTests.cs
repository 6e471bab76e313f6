using System.Text;
using Sniffer.Reports.Export;
using Xunit;

namespace Sniffer.Reports.Tests;

public sealed class SafeFileNamesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../x", "x")]
    [InlineData("x/../../y", "y")]
    [InlineData("..\\..\\win.ini", "win.ini")]
    [InlineData("a..b.txt", "a.b.txt")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("..", "")]
    [InlineData("...", "")]
    [InlineData(".bashrc", "bashrc")]
    [InlineData("a\u0000b\u001bc.txt", "a_b_c.txt")]
    [InlineData("CON", "_CON")]
    [InlineData("nul.tar.gz", "_nul.tar.gz")]
    [InlineData("COM1", "_COM1")]
    [InlineData("CONSOLE.txt", "CONSOLE.txt")]
    [InlineData("name. . .", "name")]
    [InlineData("\u202Etxt.exe", "_txt.exe")]
    [InlineData("   ", "")]
    public void Sanitise(string wanted, string expected) => Assert.Equal(expected, SafeFileNames.Sanitise(wanted));

    [Fact]
    public void A_long_name_is_cut_to_the_byte_limit_keeping_its_extension_and_whole_characters()
    {
        string name = SafeFileNames.Sanitise(string.Concat(Enumerable.Repeat("é😀", 200)) + ".html");

        Assert.EndsWith(".html", name);
        Assert.True(Encoding.UTF8.GetByteCount(name) <= SafeFileNames.MaxBytes);
        Assert.True(Encoding.UTF8.GetByteCount(name) > SafeFileNames.MaxBytes - 4);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(name)));
    }

    [Fact]
    public void Names_are_numbered_on_collision_case_insensitively_and_fall_back_when_nothing_is_left()
    {
        string folder = Directory.CreateTempSubdirectory("sniffer-names-").FullName;
        try
        {
            var names = new SafeFileNames(folder);
            Assert.Equal(Path.Combine(folder, "a.txt"), names.Next("a.txt", "x"));
            Assert.Equal(Path.Combine(folder, "A (2).TXT"), names.Next("A.TXT", "x"));
            Assert.Equal(Path.Combine(folder, "a (3).txt"), names.Next("a.txt", "x"));
            Assert.Equal(Path.Combine(folder, "index.html"), names.Next("..", "index.html"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
