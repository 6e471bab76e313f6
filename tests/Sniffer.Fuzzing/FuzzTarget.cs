namespace Sniffer.Fuzzing;

/// <summary>
/// One fuzzed component: <see cref="Run"/> takes an input of any bytes and must return normally. An exception escaping
/// it is a finding (the component's documented failures, such as <c>CaptureFileException</c>, are caught inside).
/// </summary>
public sealed record FuzzTarget(string Name, string Describes, Action<byte[]> Run);

/// <summary>An input broke a component's contract without throwing (for example it kept more bytes than its limits allow).</summary>
public sealed class ContractViolationException(string message) : Exception(message);
