namespace Sniffer.Reassembly;

/// <summary>
/// Data → ACK round trips for one sending direction, as tshark's <c>tcp.analysis.ack_rtt</c> measures them:
/// an ACK whose number equals the end of an unacknowledged segment gives one sample, the time between the two.
/// A fixed ring of in-flight segment ends keeps it allocation-free.
/// </summary>
internal sealed class AckRttTracker
{
    private const int Capacity = 64;

    private readonly InFlight[] _inFlight = new InFlight[Capacity];
    private int _first;
    private int _count;

    public void Reset()
    {
        _first = 0;
        _count = 0;
    }

    /// <summary>A segment ending at <paramref name="endSeq"/> (SYN and FIN count) was captured at <paramref name="timestampNs"/>.</summary>
    public void Sent(uint endSeq, long timestampNs, bool retransmission)
    {
        if (retransmission)
        {
            // Karn's rule (RFC 6298 §3): an ACK for retransmitted data cannot tell which copy it answers.
            ForgetUpTo(endSeq);
            return;
        }
        if (_count > 0 && !SequenceAfter(endSeq, _inFlight[(_first + _count - 1) % Capacity].EndSeq)) return;
        if (_count == Capacity)
        {
            _first = (_first + 1) % Capacity;
            _count--;
        }
        _inFlight[(_first + _count) % Capacity] = new InFlight(endSeq, timestampNs);
        _count++;
    }

    /// <summary>The peer acknowledged up to <paramref name="ack"/>; returns the round trip when it ends a segment exactly.</summary>
    public bool TryAcknowledge(uint ack, long timestampNs, out long rttNs)
    {
        rttNs = 0;
        bool sampled = false;
        while (_count > 0 && !SequenceAfter(_inFlight[_first].EndSeq, ack))
        {
            InFlight segment = _inFlight[_first];
            if (segment.EndSeq == ack)
            {
                rttNs = timestampNs - segment.TimestampNs;
                sampled = true;
            }
            _first = (_first + 1) % Capacity;
            _count--;
        }
        return sampled;
    }

    private void ForgetUpTo(uint endSeq)
    {
        while (_count > 0 && !SequenceAfter(_inFlight[_first].EndSeq, endSeq))
        {
            _first = (_first + 1) % Capacity;
            _count--;
        }
    }

    // RFC 9293 §3.4: sequence comparison modulo 2^32.
    private static bool SequenceAfter(uint a, uint b) => (int)(a - b) > 0;

    private readonly record struct InFlight(uint EndSeq, long TimestampNs);
}
