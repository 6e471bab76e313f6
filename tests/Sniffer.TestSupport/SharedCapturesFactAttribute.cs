using Xunit;

namespace Sniffer.TestSupport;

/// <summary>A fact that runs only when <c>../shared/captures</c> is present, and says so when skipped.</summary>
public sealed class SharedCapturesFactAttribute : FactAttribute
{
    public SharedCapturesFactAttribute()
    {
        if (RepositoryPaths.SharedCaptures is null) Skip = SkipReasons.NoSharedCaptures;
    }
}

/// <summary>A theory that runs only when <c>../shared/captures</c> is present.</summary>
public sealed class SharedCapturesTheoryAttribute : TheoryAttribute
{
    public SharedCapturesTheoryAttribute()
    {
        if (RepositoryPaths.SharedCaptures is null) Skip = SkipReasons.NoSharedCaptures;
    }
}

public static class SkipReasons
{
    public const string NoSharedCaptures = "../shared/captures is not beside this checkout (reference captures are for development only)";
}
