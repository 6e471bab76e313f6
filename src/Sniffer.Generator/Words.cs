using System.Text;

namespace Sniffer.Generator;

/// <summary>Plausible text from a seeded random source, for form fields, subjects and mail bodies.</summary>
internal static class Words
{
    private static readonly string[] Vocabulary =
    [
        "packet", "router", "socket", "window", "segment", "header", "cookie", "cache", "server", "client",
        "latency", "request", "response", "mailbox", "envelope", "message", "protocol", "handshake", "stream", "object",
        "quarterly", "report", "meeting", "agenda", "budget", "draft", "review", "schedule", "picture", "invoice",
        "the", "a", "of", "for", "with", "about", "before", "after", "our", "new",
    ];

    private static readonly string[] Names = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"];

    public static string Name(Random random) => Names[random.Next(Names.Length)];

    public static string Sentence(Random random, int minWords, int maxWords)
    {
        var text = new StringBuilder();
        int count = random.Next(minWords, maxWords + 1);
        for (int i = 0; i < count; i++)
        {
            if (i > 0) text.Append(' ');
            text.Append(Vocabulary[random.Next(Vocabulary.Length)]);
        }
        text[0] = char.ToUpperInvariant(text[0]);
        return text.ToString();
    }
}
