using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Reassembly.Tests.Infrastructure;

namespace Sniffer.Reassembly.Tests;

public sealed class DissectorRegistryTests
{
    private static readonly Direction C2S = Direction.ClientToServer, S2C = Direction.ServerToClient;

    private readonly RecordingSink _sink = new();
    private readonly DissectorRegistry _registry = new();

    // "web": the client opens with "GET ", the server with "HTTP/"; bound to port 80.
    private readonly LineDissectorFactory _web = new("web", (direction, bytes) =>
        LineDissectorFactory.StartsWith(bytes, direction == Direction.ClientToServer ? "GET " : "HTTP/"), 80);

    // "mail": the server greets with "220 ", the client says "HELO"; bound to port 25.
    private readonly LineDissectorFactory _mail = new("mail", (direction, bytes) =>
        LineDissectorFactory.StartsWith(bytes, direction == Direction.ServerToClient ? "220 " : "HELO"), 25);

    public DissectorRegistryTests()
    {
        _registry.Add(_web);
        _registry.Add(_mail);
    }

    [Fact]
    public void The_server_port_binds_a_dissector_once_its_probe_confirms()
    {
        Run(port: 80, ("c", "GET / HTTP/1.1\n"), ("s", "HTTP/1.1 200 OK\n"));

        Assert.Equal(["GET / HTTP/1.1"], _web.Single.TextOf(C2S));
        Assert.Equal(["HTTP/1.1 200 OK"], _web.Single.TextOf(S2C));
        Assert.Equal("web", _sink.SingleFlow().Protocol);
        Assert.Empty(_mail.Created);
    }

    [Fact]
    public void A_content_probe_finds_the_protocol_on_a_non_standard_port()
    {
        Run(port: 18080, ("c", "GET /x HTTP/1.1\n"), ("s", "HTTP/1.1 404 Not Found\n"));

        Assert.Equal("web", _sink.SingleFlow().Protocol);
        Assert.Equal(["GET /x HTTP/1.1"], _web.Single.TextOf(C2S));
    }

    [Fact]
    public void Content_that_contradicts_the_port_goes_to_the_matching_dissector()
    {
        Run(port: 80, ("s", "220 mail.example ESMTP\n"), ("c", "HELO me\n"));

        Assert.Equal("mail", _sink.SingleFlow().Protocol);
        Assert.Equal(["220 mail.example ESMTP"], _mail.Single.TextOf(S2C));
        Assert.Empty(_web.Created);
    }

    [Fact]
    public void On_its_port_one_confirming_direction_outweighs_an_answer_the_probe_cannot_read()
    {
        // An HTTP/0.9 exchange: a request line, and a response that is bare content.
        Run(port: 80, ("c", "GET /\n"), ("s", "<html>hello</html>\n"));
        Run(port: 18080, ("c", "GET /\n"), ("s", "<html>hello</html>\n"));

        Assert.Equal(["web", null], _sink.Flows.Select(f => f.Protocol));
        Assert.Equal(["<html>hello</html>"], _web.Single.TextOf(S2C));
    }

    [Fact]
    public void Too_few_bytes_to_probe_keep_the_port_binding_but_give_no_content_match_elsewhere()
    {
        Run(port: 80, ("c", "GE"));
        Run(port: 18080, ("c", "GE"));

        Assert.Equal(["web", null], _sink.Flows.Select(f => f.Protocol));
    }

    [Fact]
    public void A_match_in_both_directions_beats_an_earlier_factory_matching_one()
    {
        var registry = new DissectorRegistry();
        var oneWay = new LineDissectorFactory("hello-any", (direction, bytes) =>
            direction == Direction.ClientToServer ? LineDissectorFactory.StartsWith(bytes, "HELLO") : ProbeResult.NeedMoreData);
        var bothWays = new LineDissectorFactory("hello-welcome", (direction, bytes) =>
            LineDissectorFactory.StartsWith(bytes, direction == Direction.ClientToServer ? "HELLO" : "WELCOME"));
        registry.Add(oneWay);
        registry.Add(bothWays);

        Run(registry, port: 7000, ("c", "HELLO\n"), ("s", "WELCOME\n"));

        Assert.Equal("hello-welcome", _sink.SingleFlow().Protocol);
        Assert.Equal(["HELLO"], bothWays.Single.TextOf(C2S));
        Assert.Empty(oneWay.Created);
    }

    [Fact]
    public void A_one_way_match_is_used_when_the_other_direction_never_confirms()
    {
        var registry = new DissectorRegistry();
        var oneWay = new LineDissectorFactory("hello-any", (direction, bytes) =>
            direction == Direction.ClientToServer ? LineDissectorFactory.StartsWith(bytes, "HELLO") : ProbeResult.NeedMoreData);
        registry.Add(oneWay);

        Run(registry, port: 7000, ("c", "HELLO\n"));

        Assert.Equal("hello-any", _sink.SingleFlow().Protocol);
        Assert.Equal(["HELLO"], oneWay.Single.TextOf(C2S));
        Assert.Contains((C2S, StreamEndReason.Fin), oneWay.Single.Ends);
    }

    [Fact]
    public void Map_overrides_port_and_probes()
    {
        _registry.Map(18080, "mail");

        Run(port: 18080, ("c", "GET / HTTP/1.1\n"));

        Assert.Equal("mail", _sink.SingleFlow().Protocol);
        Assert.Equal(["GET / HTTP/1.1"], _mail.Single.TextOf(C2S));
        Assert.True(_registry.IsServerPort(18080));
    }

    [Fact]
    public void Map_to_an_unknown_dissector_is_refused_with_the_known_names()
    {
        var error = Assert.Throws<ArgumentException>(() => _registry.Map(1, "gopher"));
        Assert.Contains("web, mail", error.Message);
    }

    [Fact]
    public void Registering_two_dissectors_with_one_name_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _registry.Add(new RecordingDissectorFactory("WEB")));
    }

    [Fact]
    public void A_flow_no_dissector_claims_is_still_recorded_with_its_counts()
    {
        Run(port: 9999, ("c", "\x16\x03\x01 binary\n"), ("s", "\x16\x03\x03 more\n"));

        FlowRecord flow = _sink.SingleFlow();
        Assert.Null(flow.Protocol);
        Assert.Equal(11, flow.ClientPayloadBytes);
        Assert.Empty(_web.Created);
        Assert.Empty(_mail.Created);
    }

    [Fact]
    public void Repeated_violations_disable_the_dissector_and_the_rest_is_only_counted()
    {
        Run(port: 80, ("c", "GET / HTTP/1.1\n"), ("c", "BAD 1\n"), ("c", "BAD 2\n"), ("c", "ok again\n"), ("c", "BAD 3\n"), ("c", "GET /after\n"));

        LineDissector dissector = _web.Single;
        Assert.DoesNotContain("GET /after", dissector.TextOf(C2S));
        Assert.Contains("BAD 3", dissector.TextOf(C2S));
        Anomaly disabled = Assert.Single(_sink.AnomaliesOf(AnomalyKinds.DissectorDisabled));
        Assert.Contains("3 violation", disabled.Detail);
        FlowRecord flow = _sink.SingleFlow();
        Assert.True(flow.DissectorDisabled);
        Assert.Equal("web", flow.Protocol);
        Assert.Equal(53, flow.ClientPayloadBytes);
    }

    [Fact]
    public void One_violation_before_any_progress_disables_the_dissector()
    {
        Run(port: 80, ("c", "GET BAD\n"), ("c", "more\n"));

        Assert.Contains("before any progress", Assert.Single(_sink.AnomaliesOf(AnomalyKinds.DissectorDisabled)).Detail);
        Assert.DoesNotContain("more", _web.Single.TextOf(C2S));
    }

    [Fact]
    public void A_dissector_that_throws_is_treated_as_violating_not_as_a_crash()
    {
        Run(port: 80, ("c", "GET / HTTP/1.1\n"), ("c", "THROW\n"), ("c", "THROW\n"), ("c", "THROW\n"), ("c", "GET /gone\n"));

        Assert.Equal(3, _sink.AnomaliesOf(AnomalyKinds.DissectorViolation).Count(a => a.Detail.Contains("InvalidOperationException")));
        Assert.Single(_sink.AnomaliesOf(AnomalyKinds.DissectorDisabled));
    }

    [Fact]
    public void Hand_off_makes_the_rest_of_the_flow_opaque_without_an_anomaly()
    {
        Run(port: 80, ("c", "GET / HTTP/1.1\n"), ("c", "STARTTLS\n"), ("c", "\x16\x03\x01 encrypted\n"), ("s", "HTTP/1.1 200 OK\n"));

        Assert.Equal(["GET / HTTP/1.1", "STARTTLS"], _web.Single.TextOf(C2S));
        Assert.Empty(_web.Single.TextOf(S2C));
        Assert.Empty(_sink.AnomaliesOf(AnomalyKinds.DissectorDisabled));
        FlowRecord flow = _sink.SingleFlow();
        Assert.Equal("web", flow.Protocol);
        Assert.False(flow.DissectorDisabled);
        Assert.Equal(16, flow.ServerPayloadBytes);
    }

    [Fact]
    public void A_dissector_holding_too_many_unconsumed_bytes_is_in_violation_and_the_bytes_become_a_gap()
    {
        var options = ReassemblyOptions.Default with { Dissector = DissectorSettings.Default with { MaxLineBytes = 100 } };
        Run(_registry, 80, options, ("c", "GET / HTTP/1.1\n"), ("c", new string('x', 500)), ("c", "\nGET /next\n"));

        LineDissector dissector = _web.Single;
        Assert.Single(_sink.AnomaliesOf(AnomalyKinds.DissectorViolation));
        Assert.Equal([(C2S, 15L, 500L)], dissector.Gaps);
        Assert.Equal(["GET / HTTP/1.1", "", "GET /next"], dissector.TextOf(C2S));
    }

    private void Run(int port, params (string Side, string Text)[] script) => Run(_registry, port, ReassemblyOptions.Default, script);

    private void Run(DissectorRegistry registry, int port, params (string Side, string Text)[] script) =>
        Run(registry, port, ReassemblyOptions.Default, script);

    /// <summary>Handshake, then each scripted message as one segment from its side ("c" or "s"), then FINs from both.</summary>
    private void Run(DissectorRegistry registry, int port, ReassemblyOptions options, params (string Side, string Text)[] script)
    {
        var reassembler = new TcpReassembler(options, registry, _sink);
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", $"10.0.0.2:{port}");
        tcp.Handshake();
        var offsets = new long[2];
        foreach ((string side, string text) in script)
        {
            Direction direction = side == "c" ? C2S : S2C;
            byte[] bytes = Encoding.Latin1.GetBytes(text);
            tcp.Data(direction, offsets[(int)direction], bytes);
            offsets[(int)direction] += bytes.Length;
        }
        tcp.Fin(C2S, offsets[0]);
        tcp.Fin(S2C, offsets[1]);
        reassembler.Complete(tcp.NowNs);
    }
}
