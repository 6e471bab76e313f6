using Sniffer.TestSupport;

namespace Sniffer.Integration.Tests.Tcp;

/// <summary>A theory whose oracle is a live tshark run on the reference captures: skipped, saying why, without either.</summary>
public sealed class TsharkTheoryAttribute : TheoryAttribute
{
    public TsharkTheoryAttribute()
    {
        if (RepositoryPaths.SharedCaptures is null) Skip = SkipReasons.NoSharedCaptures;
        else if (!TsharkConversations.TsharkAvailable) Skip = "tshark is not installed (apt-get install tshark); it is this test's oracle";
    }
}
