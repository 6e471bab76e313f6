using System.Runtime.InteropServices;

namespace Sniffer.Cli.Commands;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM — a terminal, <c>kill</c>, a service manager, a script's clean-up — both stop a command
/// the same clean way, as tcpdump stops on either: the token is cancelled and the command saves what it holds (the
/// pcap's buffer, the database's last batch, the generator log) before it exits. A second signal is the user
/// insisting: it is not taken, so the process ends at once.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public StopSignals(CancellationTokenSource stop)
    {
        Action<PosixSignalContext> onSignal = signal =>
        {
            signal.Cancel = !stop.IsCancellationRequested;
            stop.Cancel();
        };
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal);
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
