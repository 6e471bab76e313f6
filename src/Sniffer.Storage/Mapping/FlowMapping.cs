using LiteDB;
using Sniffer.Core.Dissection;
using Sniffer.Core.Records;

namespace Sniffer.Storage.Mapping;

/// <summary>Flow summaries (conn.log): one document per TCP connection.</summary>
internal sealed class FlowMapping : RecordMapping<FlowRecord>
{

    public override string Collection => StoreCollections.Flows;

    public override void EnsureIndexes(LiteDatabase database)
    {
        base.EnsureIndexes(database);
        var flows = database.GetCollection(Collection);
        flows.EnsureIndex("protocol", "$.protocol");
        flows.EnsureIndex("server_addr", "$.server_addr");
        flows.EnsureIndex("client_addr", "$.client_addr");
    }

    protected override void Write(FlowRecord flow, BsonDocument d, StoreBatch batch)
    {
        d["client"] = flow.Client;
        d["server"] = flow.Server;
        d.SetKey("client_addr", flow.ClientAddress);
        d["client_port"] = (int)flow.ClientPort;
        d.SetKey("server_addr", flow.ServerAddress);
        d["server_port"] = (int)flow.ServerPort;
        d.Set("ipv6", flow.IsIPv6);
        if (flow.VlanId != 0) d["vlan"] = (int)flow.VlanId;
        d.SetKey("protocol", flow.Protocol);
        d.Set("dissector_disabled", flow.DissectorDisabled);
        d.Set("mid_stream", flow.PickedUpMidStream);
        d.Set("handshake_rtt_ns", flow.HandshakeRttNs);
        d.Set("syn_synack_ns", flow.SynToSynAckNs);
        d.Set("synack_ack_ns", flow.SynAckToAckNs);
        d["ack_rtt_samples"] = flow.AckRttSamples;
        d.Set("ack_rtt_min_ns", flow.AckRttMinNs);
        d.Set("ack_rtt_median_ns", flow.AckRttMedianNs);
        d.Set("ack_rtt_max_ns", flow.AckRttMaxNs);
        d["client_packets"] = flow.ClientPackets;
        d["server_packets"] = flow.ServerPackets;
        d["client_bytes"] = flow.ClientPayloadBytes;
        d["server_bytes"] = flow.ServerPayloadBytes;
        d["client_retransmissions"] = flow.ClientRetransmissions;
        d["server_retransmissions"] = flow.ServerRetransmissions;
        d["client_zero_windows"] = flow.ClientZeroWindows;
        d["server_zero_windows"] = flow.ServerZeroWindows;
        d["client_gaps"] = flow.ClientGaps;
        d["client_gap_bytes"] = flow.ClientGapBytes;
        d["server_gaps"] = flow.ServerGaps;
        d["server_gap_bytes"] = flow.ServerGapBytes;
        d["first_ns"] = flow.FirstPacketNs;
        d["last_ns"] = flow.LastPacketNs;
        d["close_reason"] = flow.CloseReason.ToString();
        batch.Add(Collection, d);
    }

    protected override FlowRecord ReadRecord(BsonDocument d) => new()
    {
        FlowId = d.Long(StoredFields.Flow),
        TimeNs = d.Long(StoredFields.Time),
        Client = d["client"].AsString,
        Server = d["server"].AsString,
        ClientAddress = d.Key("client_addr")!,
        ClientPort = (ushort)d.Int("client_port"),
        ServerAddress = d.Key("server_addr")!,
        ServerPort = (ushort)d.Int("server_port"),
        IsIPv6 = d.Bool("ipv6"),
        VlanId = (ushort)d.Int("vlan"),
        Protocol = d.Key("protocol"),
        DissectorDisabled = d.Bool("dissector_disabled"),
        PickedUpMidStream = d.Bool("mid_stream"),
        HandshakeRttNs = d.NullableLong("handshake_rtt_ns"),
        SynToSynAckNs = d.NullableLong("syn_synack_ns"),
        SynAckToAckNs = d.NullableLong("synack_ack_ns"),
        AckRttSamples = d.Int("ack_rtt_samples"),
        AckRttMinNs = d.NullableLong("ack_rtt_min_ns"),
        AckRttMedianNs = d.NullableLong("ack_rtt_median_ns"),
        AckRttMaxNs = d.NullableLong("ack_rtt_max_ns"),
        ClientPackets = d.Long("client_packets"),
        ServerPackets = d.Long("server_packets"),
        ClientPayloadBytes = d.Long("client_bytes"),
        ServerPayloadBytes = d.Long("server_bytes"),
        ClientRetransmissions = d.Long("client_retransmissions"),
        ServerRetransmissions = d.Long("server_retransmissions"),
        ClientZeroWindows = d.Long("client_zero_windows"),
        ServerZeroWindows = d.Long("server_zero_windows"),
        ClientGaps = d.Long("client_gaps"),
        ClientGapBytes = d.Long("client_gap_bytes"),
        ServerGaps = d.Long("server_gaps"),
        ServerGapBytes = d.Long("server_gap_bytes"),
        FirstPacketNs = d.Long("first_ns"),
        LastPacketNs = d.Long("last_ns"),
        CloseReason = d.Enum("close_reason", StreamEndReason.EndOfCapture),
    };
}
