using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Decoding;
using Sniffer.Reassembly.Tests.Infrastructure;

namespace Sniffer.Reassembly.Tests;

public sealed class ReassemblyTests
{
    private const long Ms = 1_000_000;
    private const long Second = 1_000_000_000;
    private static readonly Direction C2S = Direction.ClientToServer, S2C = Direction.ServerToClient;

    private readonly RecordingSink _sink = new();

    [Fact]
    public void Conflicting_overlap_keeps_the_first_copy_and_reports_an_anomaly()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 10, Ascii("BBBBBBBBBB"));
        tcp.Data(C2S, 5, Ascii("aaaaaXXXXX"));
        tcp.Data(C2S, 0, Ascii("01234"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal("01234aaaaaBBBBBBBBBB", Text(factory.Single.ClientToServer));
        Anomaly anomaly = Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpOverlapMismatch));
        Assert.Contains("5 bytes at offset 10", anomaly.Detail);
        Assert.Equal(1, reassembler.Counters.OverlapMismatches);
    }

    [Fact]
    public void Same_content_overlap_is_not_an_anomaly_and_full_duplicates_count_as_retransmissions()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("hello "));
        tcp.Data(C2S, 0, Ascii("hello "));
        tcp.Data(C2S, 3, Ascii("lo world"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal("hello world", Text(factory.Single.ClientToServer));
        Assert.Empty(_sink.AnomaliesOf(AnomalyKinds.TcpOverlapMismatch));
        Assert.Equal(1, _sink.SingleFlow().ClientRetransmissions);
    }

    [Fact]
    public void A_retransmission_of_delivered_and_acknowledged_bytes_with_other_content_is_reported_and_the_first_copy_kept()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("GET /index.html HTTP/1.1\r\n"));
        tcp.Ack(C2S, 26);
        tcp.Data(C2S, 4, Ascii("/index.html"));      // same bytes: an ordinary spurious retransmission
        tcp.Data(C2S, 4, Ascii("/attack.php"));      // same offsets, other bytes: what only the monitor may have seen
        tcp.Data(C2S, 17, Ascii("TTP/1.1\r\nHost"));   // straddles the delivered end: the old part matches, the tail is new
        reassembler.Complete(tcp.NowNs);

        Assert.Equal("GET /index.html HTTP/1.1\r\nHost", Text(factory.Single.ClientToServer));
        Anomaly anomaly = Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpOverlapMismatch));
        Assert.Contains("11 bytes at offset 4 c→s", anomaly.Detail);
        Assert.Equal(1, reassembler.Counters.OverlapMismatches);
        Assert.Equal(2, _sink.SingleFlow().ClientRetransmissions);    // the straddling segment brought new bytes
    }

    [Fact]
    public void The_retransmission_check_covers_only_the_last_delivered_bytes_and_ignores_keep_alives()
    {
        var options = ReassemblyOptions.Default with { RetransmissionHistoryBytes = 8 };
        var (reassembler, _) = NewReassembler(options);
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("0123456789abcdef"));
        tcp.Data(C2S, 0, Ascii("XXXXXXXX"));          // older than the last 8 bytes: no longer comparable
        tcp.Data(C2S, 15, Ascii("?"));                // RFC 9293 §3.8.4 keep-alive: one garbage byte at SND.NXT - 1
        Assert.Empty(_sink.AnomaliesOf(AnomalyKinds.TcpOverlapMismatch));

        tcp.Data(C2S, 6, Ascii("67x9ab"));            // wraps around the ring's end
        Assert.Contains("4 bytes at offset 8", Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpOverlapMismatch)).Detail);
        reassembler.Complete(tcp.NowNs);
    }

    [Fact]
    public void A_closed_flow_gives_back_its_retransmission_history_while_it_lingers()
    {
        var (reassembler, _) = NewReassembler();
        var tcp = Connect(reassembler);
        tcp.Data(C2S, 0, Ascii("request"));
        tcp.Data(S2C, 0, Ascii("response"));
        Assert.True(reassembler.Counters.HistoryBytes > 0);

        tcp.Fin(C2S, 7);
        tcp.Fin(S2C, 8);
        Assert.Equal(1, reassembler.Counters.FlowsActive);
        Assert.Equal(0, reassembler.Counters.HistoryBytes);
        reassembler.Complete(tcp.NowNs);
    }

    [Fact]
    public void Sequence_numbers_wrap_around_2_to_the_32()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler, clientIsn: uint.MaxValue - 3);

        tcp.Data(C2S, 4, Ascii("efgh"));
        tcp.Data(C2S, 0, Ascii("abcd"));
        tcp.Data(C2S, 8, Ascii("ij"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal("abcdefghij", Text(factory.Single.ClientToServer));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), factory.Single.ClientToServer.Offsets);
    }

    [Fact]
    public void Segments_and_ACKs_beyond_any_possible_window_are_ignored()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("real"));
        tcp.Data(C2S, 0x5000_0000, Ascii("stale"));
        tcp.Ack(C2S, 0x6000_0000);
        tcp.Data(C2S, 4, Ascii(" data"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal("real data", Text(factory.Single.ClientToServer));
        Assert.Empty(factory.Single.ClientToServer.Gaps);
    }

    [Fact]
    public void Data_on_the_SYN_is_the_first_byte_of_the_stream()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");

        tcp.Syn(Ascii("fast"));
        tcp.SynAck();
        tcp.Data(C2S, 4, Ascii(" open"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal("fast open", Text(factory.Single.ClientToServer));
    }

    [Fact]
    public void A_flow_picked_up_mid_stream_takes_the_lower_port_as_server_and_says_so()
    {
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, new DissectorRegistry(), _sink);
        var tcp = new TcpConversation(reassembler, "192.0.2.10:51000", "192.0.2.20:443");

        // The first packet seen goes from the server to the client.
        tcp.Send(S2C, 100, TcpFlags.Psh, Ascii("response"), ack: tcp.SeqOf(C2S, 50));
        tcp.Send(C2S, 50, TcpFlags.Psh, Ascii("request"), ack: tcp.SeqOf(S2C, 108));
        reassembler.Complete(tcp.NowNs);

        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal("192.0.2.10:51000", flow.Client);
        Assert.Equal("192.0.2.20:443", flow.Server);
        Assert.True(flow.PickedUpMidStream);
        Assert.Equal(8, flow.ServerPayloadBytes);
        Assert.Equal(7, flow.ClientPayloadBytes);
        Assert.Null(flow.Protocol);
        Anomaly anomaly = Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpMidStream));
        Assert.Contains("lower port", anomaly.Detail);
    }

    [Fact]
    public void A_registered_server_port_wins_over_the_lower_port_when_there_is_no_SYN()
    {
        var registry = new DissectorRegistry();
        registry.Add(new RecordingDissectorFactory("web", 8080));
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, registry, _sink);
        var tcp = new TcpConversation(reassembler, "192.0.2.10:8080", "192.0.2.20:5000");

        tcp.Data(C2S, 0, Ascii("x"));
        reassembler.Complete(tcp.NowNs);

        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal("192.0.2.20:5000", flow.Client);
        Assert.Equal(8080, flow.ServerPort);
        Assert.Contains("known server port", Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpMidStream)).Detail);
    }

    [Fact]
    public void RST_mid_transfer_ends_both_directions_and_turns_holes_into_gaps()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("GET /big\n"));
        tcp.Data(S2C, 0, new byte[50]);
        tcp.Data(S2C, 100, new byte[50]);
        tcp.Rst(C2S, 9);
        tcp.Data(S2C, 150, new byte[10]);
        reassembler.Complete(tcp.NowNs + Second);

        RecordingDissector dissector = factory.Single;
        Assert.Equal(StreamEndReason.Reset, dissector.ClientToServer.End);
        Assert.Equal(StreamEndReason.Reset, dissector.ServerToClient.End);
        Assert.Equal([(50L, 50L)], dissector.ServerToClient.Gaps);
        Assert.Equal(100, dissector.ServerToClient.Bytes.Count);
        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal(StreamEndReason.Reset, flow.CloseReason);
        Assert.Equal(1, flow.ServerGaps);
        Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpDataAfterReset));
    }

    [Theory]
    [InlineData(5, AnomalyKinds.TcpResetInWindow)]
    [InlineData(-100, AnomalyKinds.TcpResetOutOfWindow)]
    [InlineData(70_000, AnomalyKinds.TcpResetOutOfWindow)]
    public void An_RST_not_at_the_next_expected_sequence_number_leaves_the_connection_open(long offsetFromExpected, string kind)
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("GET / HTTP/1.0\n"));
        tcp.Ack(C2S, 15);                               // advertises 65535 bytes, unscaled: no window scale option in the SYNs
        tcp.Rst(C2S, 15 + offsetFromExpected);
        tcp.Data(C2S, 15, Ascii("more"));
        Assert.Null(factory.Single.ClientToServer.End);
        Assert.Equal("GET / HTTP/1.0\nmore", Text(factory.Single.ClientToServer));

        tcp.Rst(C2S, 19);                               // the exact one a genuine peer sends after the challenge ACK
        Assert.Equal(StreamEndReason.Reset, factory.Single.ClientToServer.End);
        reassembler.Complete(tcp.NowNs);

        Assert.Single(_sink.AnomaliesOf(kind));
        Assert.Equal(StreamEndReason.Reset, _sink.SingleFlow().CloseReason);
        Assert.Equal(1, kind == AnomalyKinds.TcpResetInWindow ? reassembler.Counters.ResetsInWindow : reassembler.Counters.ResetsOutOfWindow);
    }

    [Theory]
    [InlineData(7, AnomalyKinds.TcpResetInWindow)]     // 1000 << 7 = 128,000 bytes of window
    [InlineData(-1, AnomalyKinds.TcpResetOutOfWindow)] // no scaling: 1000 bytes
    public void The_RST_window_is_the_receivers_last_advertised_window_scaled_as_both_SYNs_agreed(int windowScale, string kind)
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        var options = TcpOptions.None with { WindowScale = windowScale };

        tcp.Syn(options: options);
        tcp.SynAck(options: options);
        tcp.Send(C2S, 0, TcpFlags.None, default, ack: tcp.SeqOf(S2C, 0));
        tcp.Send(S2C, 0, TcpFlags.None, default, ack: tcp.SeqOf(C2S, 0), window: 1000);
        tcp.Rst(C2S, 100_000);
        reassembler.Complete(tcp.NowNs);

        Assert.Single(_sink.AnomaliesOf(kind));
        Assert.Equal(StreamEndReason.EndOfCapture, factory.Single.ClientToServer.End);
    }

    [Fact]
    public void An_RST_after_a_FIN_is_exact_one_past_the_FIN()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(S2C, 0, Ascii("bye"));
        tcp.Fin(S2C, 3);
        tcp.Rst(S2C, 4);
        reassembler.Complete(tcp.NowNs);

        Assert.Equal(StreamEndReason.Reset, _sink.SingleFlow().CloseReason);
        Assert.Equal(StreamEndReason.Reset, factory.Single.ClientToServer.End);
        Assert.Empty(_sink.AnomaliesOf(AnomalyKinds.TcpResetInWindow));
    }

    [Fact]
    public void A_new_SYN_on_a_closed_4_tuple_starts_a_second_flow()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler, clientIsn: 1000);
        tcp.Data(C2S, 0, Ascii("first"));
        tcp.Fin(C2S, 5);
        tcp.Fin(S2C, 0);
        tcp.Ack(S2C, 1);

        tcp.ClientIsn = 900_000;
        tcp.ServerIsn = 700_000;
        tcp.Handshake();
        tcp.Data(C2S, 0, Ascii("second"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal(2, _sink.Flows.Count());
        Assert.Equal([StreamEndReason.Fin, StreamEndReason.EndOfCapture], _sink.Flows.Select(f => f.CloseReason));
        Assert.Equal(["first", "second"], factory.Created.Select(d => Text(d.ClientToServer)));
        Assert.Equal(2, _sink.Flows.Select(f => f.FlowId).Distinct().Count());
        Assert.False(_sink.Flows.Last().PickedUpMidStream);
    }

    [Fact]
    public void A_new_SYN_with_another_ISN_on_an_open_4_tuple_also_starts_a_new_flow()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler, clientIsn: 1000);
        tcp.Data(C2S, 0, Ascii("abandoned"));
        tcp.ClientIsn = 2_000_000;
        tcp.Handshake();
        tcp.Data(C2S, 0, Ascii("fresh"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal([StreamEndReason.Evicted, StreamEndReason.EndOfCapture], _sink.Flows.Select(f => f.CloseReason));
        Assert.Equal(["abandoned", "fresh"], factory.Created.Select(d => Text(d.ClientToServer)));
    }

    [Fact]
    public void A_retransmitted_SYN_does_not_start_a_new_flow()
    {
        var (reassembler, _) = NewReassembler();
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        tcp.Syn();
        tcp.Syn();
        tcp.SynAck();
        reassembler.Complete(tcp.NowNs);

        Assert.Single(_sink.Flows);
    }

    [Fact]
    public void Snaplen_truncation_becomes_a_gap_of_exactly_the_missing_bytes()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Send(C2S, 0, TcpFlags.Psh, new byte[100], missingBytes: 400);
        tcp.Data(C2S, 500, Ascii("tail"));
        tcp.Send(C2S, 504, TcpFlags.Psh, new byte[10], missingBytes: 90);
        reassembler.Complete(tcp.NowNs);

        DirectionTranscript seen = factory.Single.ClientToServer;
        Assert.Equal([(100L, 400L), (514L, 90L)], seen.Gaps);
        Assert.Equal(114, seen.Bytes.Count);
        Assert.Equal(500, seen.Offsets[100]);
        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal(490, flow.ClientGapBytes);
        Assert.Equal(604, flow.ClientPayloadBytes);
        Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpSnaplenTruncated));
    }

    [Fact]
    public void A_truncated_segment_arriving_out_of_order_leaves_its_missing_part_as_a_gap()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Send(C2S, 10, TcpFlags.Psh, Ascii("xy"), missingBytes: 8);
        tcp.Data(C2S, 0, Ascii("0123456789"));
        tcp.Data(C2S, 20, Ascii("z"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal([(12L, 8L)], factory.Single.ClientToServer.Gaps);
        Assert.Equal("0123456789xyz", Text(factory.Single.ClientToServer));
    }

    [Fact]
    public void An_IPv6_flow_is_keyed_reassembled_and_recorded()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = new TcpConversation(reassembler, "[2001:db8::1]:40000", "[2001:db8::2]:8000", vlanId: 42);
        tcp.Handshake();
        tcp.Data(C2S, 0, Ascii("over v6"));
        tcp.Data(S2C, 0, Ascii("ok"));
        reassembler.Complete(tcp.NowNs);

        FlowRecord flow = _sink.SingleFlow();
        Assert.True(flow.IsIPv6);
        Assert.Equal("[2001:db8::1]:40000", flow.Client);
        Assert.Equal("2001:db8::2", flow.ServerAddress);
        Assert.Equal(42, flow.VlanId);
        Assert.Equal("over v6", Text(factory.Single.ClientToServer));
        Assert.Equal("ok", Text(factory.Single.ServerToClient));
    }

    [Fact]
    public void The_same_ports_on_another_VLAN_are_another_flow()
    {
        var (reassembler, _) = NewReassembler();
        new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000", vlanId: 1).Handshake();
        new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000", vlanId: 2).Handshake();
        reassembler.Complete(long.MaxValue);

        Assert.Equal([1, 2], _sink.Flows.Select(f => (int)f.VlanId).Order());
    }

    [Fact]
    public void The_per_flow_buffer_cap_gives_up_the_oldest_hole_with_an_anomaly()
    {
        var options = ReassemblyOptions.Default with { MaxBufferedBytesPerFlow = 1000 };
        var (reassembler, factory) = NewReassembler(options);
        var tcp = Connect(reassembler);

        for (int offset = 100; offset < 3000; offset += 200)
        {
            tcp.Data(C2S, offset, new byte[100]);
            Assert.True(reassembler.Counters.BufferedBytes <= 1000);
        }
        reassembler.Complete(tcp.NowNs);

        DirectionTranscript seen = factory.Single.ClientToServer;
        Assert.Equal((0L, 100L), seen.Gaps[0]);
        Assert.All(seen.Gaps, gap => Assert.Equal(100, gap.Length));
        Assert.Equal(1500, seen.Bytes.Count);
        Assert.NotEmpty(_sink.AnomaliesOf(AnomalyKinds.TcpBufferLimit));
        Assert.True(reassembler.Counters.PeakBufferedBytes <= 1100);
        Assert.Equal(0, reassembler.Counters.BufferedBytes);
    }

    [Fact]
    public void The_global_buffer_cap_makes_the_least_recently_active_flows_give_up_their_holes()
    {
        var options = ReassemblyOptions.Default with { MaxBufferedBytesTotal = 2000 };
        var (reassembler, factory) = NewReassembler(options);
        var flows = Enumerable.Range(0, 5).Select(i => Connect(reassembler, client: $"10.0.0.{i + 1}:40000")).ToList();

        foreach (TcpConversation tcp in flows)
        {
            tcp.Data(C2S, 100, new byte[600]);
            Assert.True(reassembler.Counters.BufferedBytes <= 2000);
        }

        Assert.Equal([(0L, 100L)], factory.Created[0].ClientToServer.Gaps);
        Assert.Equal(600, factory.Created[0].ClientToServer.Bytes.Count);
        Assert.Empty(factory.Created[4].ClientToServer.Gaps);
        Assert.NotEmpty(_sink.AnomaliesOf(AnomalyKinds.TcpBufferLimit));
        reassembler.Complete(long.MaxValue);
        Assert.Equal(0, reassembler.Counters.BufferedBytes);
    }

    [Fact]
    public void Bytes_one_flow_leaves_unconsumed_survive_the_next_flows_deliveries()
    {
        // A delivery lands in scratch arrays the reassembler lends to every flow in turn; what a dissector leaves
        // there must move out before another flow's delivery overwrites it, whatever the sizes involved.
        var (reassembler, lines) = NewLineReassembler();
        var flows = Enumerable.Range(0, 3).Select(i => Connect(reassembler, client: $"10.0.0.{i + 1}:40000")).ToList();
        string[] expected = ["first line of flow 0", new string('b', 5000) + " of flow 1", "third of flow 2 " + new string('c', 70_000)];
        long[] offsets = new long[flows.Count];
        for (int piece = 0; piece < 40; piece++)
        {
            for (int f = 0; f < flows.Count; f++)
            {
                string text = expected[f] + "\n";
                int size = (text.Length + 39) / 40;
                int from = (int)offsets[f];
                if (from >= text.Length) continue;
                string chunk = text.Substring(from, Math.Min(size, text.Length - from));
                flows[f].Data(C2S, from, Ascii(chunk));
                offsets[f] += chunk.Length;
            }
        }
        for (int f = 0; f < flows.Count; f++) Assert.Equal([expected[f]], lines.Created[f].Lines.Select(l => l.Text));
        Assert.Equal(0, reassembler.Counters.UnconsumedBytes);
    }

    [Theory]
    [InlineData("STARTTLS")] // handed off
    [InlineData("BAD")] // disabled: three violations
    [InlineData("THROW")] // disabled: three exceptions
    public void A_dissector_dropped_mid_flow_is_disposed_at_once_and_gives_its_kept_bytes_back(string trigger)
    {
        var (reassembler, lines) = NewLineReassembler();
        TcpConversation tcp = Connect(reassembler);
        tcp.Data(C2S, 0, Ascii("KEEP 70000\n"));
        Assert.Equal(70_000, reassembler.KeptBytesBudget.HeldBytes);

        long offset = 11;
        for (int i = 0; i < 3 && lines.Single.Disposals.Count == 0; i++)
        {
            tcp.Data(C2S, offset, Ascii(trigger + "\n"));
            offset += trigger.Length + 1;
        }

        Assert.Equal((1, 0), lines.Single.Disposals);
        Assert.Equal(0, reassembler.KeptBytesBudget.HeldBytes);
        reassembler.Complete(long.MaxValue);
        Assert.Equal(1, lines.Single.Disposals.Count);
    }

    [Fact]
    public void A_dissector_that_lives_to_the_flows_end_is_disposed_once_after_both_ends()
    {
        var (reassembler, lines) = NewLineReassembler();
        TcpConversation tcp = Connect(reassembler);
        tcp.Data(C2S, 0, Ascii("KEEP 500\n"));
        tcp.Data(S2C, 0, Ascii("KEEP 300\n"));
        Assert.Equal(800, reassembler.KeptBytesBudget.HeldBytes);

        tcp.Fin(C2S, 9);
        tcp.Fin(S2C, 9);
        reassembler.Complete(long.MaxValue);

        Assert.Equal((1, 2), lines.Single.Disposals);
        Assert.Equal(0, reassembler.KeptBytesBudget.HeldBytes);
    }

    [Fact]
    public void Flows_share_one_kept_bytes_budget_per_table_and_none_may_take_past_it()
    {
        var (reassembler, lines) = NewLineReassembler(ReassemblyOptions.Default with { MaxKeptBytesTotal = 1000 });
        List<TcpConversation> flows = Enumerable.Range(0, 3).Select(i => Connect(reassembler, client: $"10.0.0.{i + 1}:40000")).ToList();
        foreach (TcpConversation tcp in flows) tcp.Data(C2S, 0, Ascii("KEEP 400\n"));

        Assert.Equal(800, reassembler.KeptBytesBudget.HeldBytes);
        Assert.All(lines.Created, line => Assert.Same(reassembler.KeptBytesBudget, line.Flow.KeptBytesBudget));
        reassembler.Complete(long.MaxValue);
        Assert.Equal(0, reassembler.KeptBytesBudget.HeldBytes);
    }

    [Fact]
    public void The_global_buffer_cap_counts_bytes_left_unconsumed_by_dissectors()
    {
        var options = ReassemblyOptions.Default with { MaxBufferedBytesTotal = 2000 };
        var (reassembler, lines) = NewLineReassembler(options);
        var flows = Enumerable.Range(0, 5).Select(i => Connect(reassembler, client: $"10.0.0.{i + 1}:40000")).ToList();

        // Each flow leaves a partial line of 600 bytes that its dissector cannot consume yet.
        foreach (TcpConversation tcp in flows)
        {
            tcp.Data(C2S, 0, new byte[600]);
            Assert.True(reassembler.Counters.BufferedBytes <= 2000);
        }

        // The fourth and fifth flows each took the table over 2000 bytes: the two least recently active gave theirs up.
        Assert.All(lines.Created.Take(2), line => Assert.Equal([(C2S, 0L, 600L)], line.Gaps));
        Assert.All(lines.Created.Skip(2), line => Assert.Empty(line.Gaps));
        Assert.Equal(reassembler.Counters.BufferedBytes, reassembler.Counters.UnconsumedBytes);
        Assert.Contains("left unconsumed", _sink.AnomaliesOf(AnomalyKinds.TcpBufferLimit).First().Detail);

        flows[4].Data(C2S, 600, Ascii("\n"));          // the line completes: its bytes leave the count
        Assert.Equal(1200, reassembler.Counters.UnconsumedBytes);
        reassembler.Complete(long.MaxValue);
        Assert.Equal(0, reassembler.Counters.BufferedBytes);
    }

    [Fact]
    public void Handshake_RTT_and_its_two_legs_are_measured_at_the_capture_point()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        long start = tcp.NowNs;

        tcp.Segment(tcp.Client, tcp.Server, tcp.ClientIsn, TcpFlags.Syn, default, 0, atNs: start);
        tcp.Segment(tcp.Server, tcp.Client, tcp.ServerIsn, TcpFlags.Syn | TcpFlags.Ack, default, tcp.SeqOf(C2S, 0), atNs: start + 30 * Ms);
        tcp.Send(C2S, 0, TcpFlags.Psh, Ascii("hi"), ack: tcp.SeqOf(S2C, 0), atNs: start + 31 * Ms);
        reassembler.Complete(start + Second);

        Assert.Equal(31 * Ms, factory.Single.Flow.HandshakeRttNs);
        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal(31 * Ms, flow.HandshakeRttNs);
        Assert.Equal(30 * Ms, flow.SynToSynAckNs);
        Assert.Equal(1 * Ms, flow.SynAckToAckNs);
        Assert.False(flow.PickedUpMidStream);
    }

    [Fact]
    public void ACK_RTT_samples_give_min_median_and_max()
    {
        var (reassembler, _) = NewReassembler();
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:8000");
        long t = tcp.NowNs;

        tcp.Segment(tcp.Client, tcp.Server, tcp.ClientIsn, TcpFlags.Syn, default, 0, atNs: t);                                          // SYN
        tcp.Segment(tcp.Server, tcp.Client, tcp.ServerIsn, TcpFlags.Syn | TcpFlags.Ack, default, tcp.SeqOf(C2S, 0), atNs: t + 30 * Ms); // 30 ms
        tcp.Ack(S2C, 0, atNs: t + 31 * Ms);                                                                                            // 1 ms
        tcp.Data(C2S, 0, new byte[100], atNs: t + 40 * Ms);
        tcp.Ack(C2S, 100, atNs: t + 45 * Ms);                                                                                          // 5 ms
        tcp.Data(C2S, 100, new byte[100], atNs: t + 50 * Ms);
        tcp.Data(C2S, 200, new byte[100], atNs: t + 51 * Ms);
        tcp.Ack(C2S, 300, atNs: t + 71 * Ms);                                                                                          // 20 ms from the last segment acked
        tcp.Ack(C2S, 300, atNs: t + 80 * Ms);                                                                                          // duplicate ACK: no sample
        reassembler.Complete(t + Second);

        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal(4, flow.AckRttSamples);
        Assert.Equal(1 * Ms, flow.AckRttMinNs);
        Assert.Equal(12_500_000, flow.AckRttMedianNs);
        Assert.Equal(30 * Ms, flow.AckRttMaxNs);
    }

    [Fact]
    public void A_retransmitted_segment_gives_no_ACK_RTT_sample()
    {
        var (reassembler, _) = NewReassembler();
        var tcp = Connect(reassembler);
        tcp.Data(C2S, 0, new byte[100]);
        tcp.Data(C2S, 0, new byte[100]);
        tcp.Ack(C2S, 100);
        reassembler.Complete(tcp.NowNs);

        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal(2, flow.AckRttSamples); // SYN and SYN-ACK only (Karn's rule)
        Assert.Equal(1, flow.ClientRetransmissions);
    }

    [Fact]
    public void Packets_bytes_and_zero_window_events_are_counted_per_direction()
    {
        var (reassembler, _) = NewReassembler();
        var tcp = Connect(reassembler);
        tcp.Data(C2S, 0, new byte[300]);
        tcp.Ack(C2S, 300, window: 0);
        tcp.Ack(C2S, 300, window: 0);
        tcp.Ack(C2S, 300);
        reassembler.Complete(tcp.NowNs);

        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal(3, flow.ClientPackets);
        Assert.Equal(4, flow.ServerPackets);
        Assert.Equal(300, flow.ClientPayloadBytes);
        Assert.Equal(2, flow.ServerZeroWindows);
        Assert.Equal(0, flow.ClientZeroWindows);
        Assert.Equal(tcp.NowNs, flow.LastPacketNs);
        Assert.True(flow.FirstPacketNs < flow.LastPacketNs);
    }

    [Fact]
    public void Half_close_keeps_the_other_direction_open_until_its_own_FIN()
    {
        var (reassembler, factory) = NewReassembler();
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("request"));
        tcp.Fin(C2S, 7);
        Assert.Equal(StreamEndReason.Fin, factory.Single.ClientToServer.End);
        Assert.Null(factory.Single.ServerToClient.End);

        tcp.Data(S2C, 0, Ascii("response"));
        tcp.Fin(S2C, 8);
        Assert.Equal("response", Text(factory.Single.ServerToClient));
        Assert.Equal(StreamEndReason.Fin, factory.Single.ServerToClient.End);

        tcp.Ack(S2C, 9);
        Assert.Empty(_sink.Flows);                                 // lingering for stray ACKs
        reassembler.ExpireIdle(tcp.NowNs + ReassemblyOptions.Default.ClosedLingerNs);
        Assert.Equal(StreamEndReason.Fin, _sink.SingleFlow().CloseReason);
        Assert.Equal(5, _sink.SingleFlow().ClientPackets);
    }

    [Fact]
    public void A_FIN_past_a_hole_waits_for_the_hole_and_the_hole_becomes_a_gap_when_acknowledged()
    {
        var (reassembler, factory) = NewReassembler(ReassemblyOptions.Default with { AcknowledgedHoleGraceSegments = 0 });
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("abc"));
        tcp.Send(C2S, 6, TcpFlags.Fin, Ascii("ghi"));
        Assert.Null(factory.Single.ClientToServer.End);
        tcp.Ack(C2S, 10);

        Assert.Equal([(3L, 3L)], factory.Single.ClientToServer.Gaps);
        Assert.Equal("abcghi", Text(factory.Single.ClientToServer));
        Assert.Equal(StreamEndReason.Fin, factory.Single.ClientToServer.End);
        Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpContentGap));
    }

    [Fact]
    public void An_ACK_captured_just_before_the_data_it_acknowledges_makes_no_gap()
    {
        var (reassembler, factory) = NewReassembler(ReassemblyOptions.Default with { AcknowledgedHoleGraceSegments = 2 });
        var tcp = Connect(reassembler);

        tcp.Data(C2S, 0, Ascii("abc"));
        tcp.Ack(C2S, 9);
        tcp.Data(C2S, 3, Ascii("def"));
        tcp.Data(C2S, 6, Ascii("ghi"));
        Assert.Equal("abcdefghi", Text(factory.Single.ClientToServer));

        // Two later segments may fill a hole; after them it is lost.
        tcp.Ack(C2S, 15);
        tcp.Data(S2C, 0, Ascii("1"));
        Assert.Empty(factory.Single.ClientToServer.Gaps);
        tcp.Data(S2C, 1, Ascii("2"));
        Assert.Equal([(9L, 6L)], factory.Single.ClientToServer.Gaps);
    }

    [Fact]
    public void Idle_flows_time_out_as_capture_time_advances()
    {
        var options = ReassemblyOptions.Default with { IdleTimeoutNs = 10 * Second };
        var (reassembler, factory) = NewReassembler(options);
        var quiet = Connect(reassembler, client: "10.0.0.1:40000");
        quiet.Data(C2S, 0, Ascii("hello"));

        var busy = Connect(reassembler, client: "10.0.0.9:40000", startNs: quiet.NowNs + 11 * Second);
        busy.Data(C2S, 0, Ascii("later"));

        FlowRecord timedOut = _sink.SingleFlow();
        Assert.Equal(StreamEndReason.IdleTimeout, timedOut.CloseReason);
        Assert.Equal("10.0.0.1:40000", timedOut.Client);
        Assert.Equal(StreamEndReason.IdleTimeout, factory.Created[0].ClientToServer.End);
        Assert.Equal(1, reassembler.Counters.FlowsActive);
    }

    [Fact]
    public void The_clock_gives_each_byte_the_time_of_the_packet_that_carried_it()
    {
        var (reassembler, lines) = NewLineReassembler();
        var tcp = Connect(reassembler);
        long t = tcp.NowNs;

        tcp.Data(C2S, 0, Ascii("ab"), atNs: t + 10);
        tcp.Data(C2S, 2, Ascii("cdef"), atNs: t + 20);
        tcp.Data(C2S, 6, Ascii("g\nhij"), atNs: t + 30);
        tcp.Data(C2S, 11, Ascii("\n"), atNs: t + 40);
        reassembler.Complete(t + Second);

        Assert.Equal(
            [new ConsumedLine(C2S, "abcdefg", 0, t + 10, t + 30), new ConsumedLine(C2S, "hij", 8, t + 30, t + 40)],
            lines.Single.Lines);
    }

    [Fact]
    public void Finished_flows_leave_the_table_so_memory_does_not_grow_with_the_capture()
    {
        var (reassembler, _) = NewReassembler();
        long now = 1_000 * Second;
        for (int i = 0; i < 3000; i++)
        {
            var tcp = Connect(reassembler, client: $"10.0.{i / 250}.{i % 250 + 1}:{40000 + i % 7}", startNs: now);
            tcp.Data(C2S, 0, Ascii("ping"));
            tcp.Data(S2C, 0, Ascii("pong"));
            tcp.Fin(C2S, 4);
            tcp.Fin(S2C, 4);
            now = tcp.NowNs + 100 * Ms;
        }

        // Closed flows linger 5 s; at 100 ms per flow about 50 remain.
        Assert.InRange(reassembler.Counters.FlowsActive, 1, 60);
        Assert.Equal(0, reassembler.Counters.BufferedBytes);
        reassembler.Complete(now);
        Assert.Equal(3000, _sink.Flows.Count());
        Assert.Equal(0, reassembler.Counters.FlowsActive);
    }

    [Fact]
    public void The_flow_limit_ends_the_least_recently_active_flow()
    {
        var options = ReassemblyOptions.Default with { MaxFlows = 2 };
        var (reassembler, _) = NewReassembler(options);
        Connect(reassembler, client: "10.0.0.1:40000");
        Connect(reassembler, client: "10.0.0.2:40000");
        Connect(reassembler, client: "10.0.0.3:40000");

        FlowRecord evicted = _sink.SingleFlow();
        Assert.Equal("10.0.0.1:40000", evicted.Client);
        Assert.Equal(StreamEndReason.Evicted, evicted.CloseReason);
        Assert.Single(_sink.AnomaliesOf(AnomalyKinds.TcpFlowLimit));
        Assert.Equal(2, reassembler.Counters.FlowsActive);
    }

    private (TcpReassembler, RecordingDissectorFactory) NewReassembler(ReassemblyOptions? options = null) =>
        ReassemblyPropertyTests.NewReassembler(_sink, options);

    /// <summary>A reassembler whose every flow on port 8000 goes to a <see cref="LineDissector"/>.</summary>
    private (TcpReassembler, LineDissectorFactory) NewLineReassembler(ReassemblyOptions? options = null)
    {
        var registry = new DissectorRegistry();
        var lines = new LineDissectorFactory("line", (_, _) => ProbeResult.Match, 8000);
        registry.Add(lines);
        return (new TcpReassembler(options ?? ReassemblyOptions.Default, registry, _sink), lines);
    }

    private static TcpConversation Connect(TcpReassembler reassembler, uint clientIsn = 1000, string client = "10.0.0.1:40000", long? startNs = null)
    {
        var tcp = new TcpConversation(reassembler, client, "10.0.0.2:8000", clientIsn);
        if (startNs is { } start) tcp.NowNs = start;
        tcp.Handshake();
        return tcp;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string Text(DirectionTranscript transcript) => Encoding.ASCII.GetString(transcript.Bytes.ToArray());
}
