using System.Buffers;

namespace Sniffer.Reassembly;

/// <summary>
/// Data → ACK round trips for one sending direction, as tshark's <c>tcp.analysis.ack_rtt</c> measures them:
/// an ACK whose number equals the end of an unacknowledged segment gives one sample, the time between the two.
/// A ring of in-flight segment ends, rented and grown on demand up to <see cref="Capacity"/>, keeps it
/// allocation-free in the steady state and small for the many flows with little in flight.
/// </summary>
internal sealed class AckRttTracker
{
    private const int Capacity = 64;
    private const int InitialCapacity = 16;

    private InFlight[] _inFlight = [];
    // The ring's size, a power of two no larger than the rented array, so positions wrap with a mask.
    private int _size;
    private int _first;
    private int _count;

    /// <summary>Forgets the segments in flight and gives the ring back to the pool.</summary>
    public void Reset()
    {
        if (_inFlight.Length > 0) ArrayPool<InFlight>.Shared.Return(_inFlight);
        _inFlight = [];
        _size = 0;
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
        if (_count > 0 && !SequenceAfter(endSeq, At(_count - 1).EndSeq)) return;
        if (_count == _size)
        {
            if (_size < Capacity) Grow();
            else DropFirst();
        }
        At(_count) = new InFlight(endSeq, timestampNs);
        _count++;
    }

    /// <summary>The peer acknowledged up to <paramref name="ack"/>; returns the round trip when it ends a segment exactly.</summary>
    public bool TryAcknowledge(uint ack, long timestampNs, out long rttNs)
    {
        rttNs = 0;
        bool sampled = false;
        while (_count > 0 && !SequenceAfter(At(0).EndSeq, ack))
        {
            InFlight segment = At(0);
            if (segment.EndSeq == ack)
            {
                rttNs = timestampNs - segment.TimestampNs;
                sampled = true;
            }
            DropFirst();
        }
        return sampled;
    }

    private void ForgetUpTo(uint endSeq)
    {
        while (_count > 0 && !SequenceAfter(At(0).EndSeq, endSeq)) DropFirst();
    }

    private ref InFlight At(int index) => ref _inFlight[(_first + index) & (_size - 1)];

    private void DropFirst()
    {
        _first = (_first + 1) & (_size - 1);
        _count--;
    }

    private void Grow()
    {
        int size = Math.Max(InitialCapacity, 2 * _size);
        InFlight[] larger = ArrayPool<InFlight>.Shared.Rent(size);
        for (int i = 0; i < _count; i++) larger[i] = At(i);
        if (_inFlight.Length > 0) ArrayPool<InFlight>.Shared.Return(_inFlight);
        _inFlight = larger;
        _size = size;
        _first = 0;
    }

    // RFC 9293 §3.4: sequence comparison modulo 2^32.
    private static bool SequenceAfter(uint a, uint b) => (int)(a - b) > 0;

    private readonly record struct InFlight(uint EndSeq, long TimestampNs);
}
