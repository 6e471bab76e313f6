namespace Sniffer.Core.Flows;

/// <summary>Which half of a TCP connection bytes travel on. The client is the side that sent the SYN.</summary>
public enum Direction : byte
{
    ClientToServer = 0,
    ServerToClient = 1,
}

public static class DirectionExtensions
{
    public static Direction Reverse(this Direction direction) =>
        direction == Direction.ClientToServer ? Direction.ServerToClient : Direction.ClientToServer;

    /// <summary>Short label used in tables and anomalies: "c→s" or "s→c".</summary>
    public static string Label(this Direction direction) =>
        direction == Direction.ClientToServer ? "c→s" : "s→c";
}
