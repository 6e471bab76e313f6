using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.Flows;
using Sniffer.Core.Records;
using Sniffer.Reassembly.Tests.Infrastructure;
using Sniffer.TestSupport;

namespace Sniffer.Reassembly.Tests;

public sealed class PluginLoaderTests : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    private readonly string _workFolder = Directory.CreateTempSubdirectory("sniffer-plugin-test-").FullName;
    private readonly DissectorRegistry _registry = new();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_workFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it would not be.
        }
    }

    [Fact]
    public void A_plug_in_compiled_against_Sniffer_Core_is_loaded_registered_and_dissects_traffic()
    {
        string pluginFolder = BuildPlugin();

        PluginLoadReport report = new PluginLoader(_registry).LoadFrom(pluginFolder);

        Assert.Equal(["echo"], report.LoadedDissectors);
        string error = Assert.Single(report.Errors);
        Assert.Contains("NeedsArgumentFactory has no public parameterless constructor", error);

        var sink = new RecordingSink();
        var reassembler = new TcpReassembler(ReassemblyOptions.Default, _registry, sink);
        var tcp = new TcpConversation(reassembler, "10.0.0.1:40000", "10.0.0.2:7");
        tcp.Handshake();
        tcp.Data(Direction.ClientToServer, 0, Encoding.ASCII.GetBytes("ping\npo"));
        tcp.Data(Direction.ClientToServer, 7, Encoding.ASCII.GetBytes("ng\n"));
        reassembler.Complete(tcp.NowNs);

        Assert.Equal("echo", sink.SingleFlow().Protocol);
        var lines = sink.Records.Where(r => r.GetType().Name == "EchoLineRecord")
            .Select(r => (string?)r.GetType().GetProperty("Line")!.GetValue(r)).ToList();
        Assert.Equal(["ping", "pong"], lines);
    }

    [Fact]
    public void Files_that_are_not_plug_ins_give_clear_errors_instead_of_exceptions()
    {
        File.WriteAllText(Path.Combine(_workFolder, "notes.dll"), "this is not a PE file");
        File.Copy(typeof(PluginLoaderTests).Assembly.Location, Path.Combine(_workFolder, "NoFactories.dll"));

        PluginLoadReport report = new PluginLoader(_registry).LoadFrom(_workFolder);

        Assert.Empty(report.LoadedDissectors);
        Assert.Equal(["notes.dll: not a .NET assembly"], report.Errors);
        Assert.Empty(_registry.Factories);
    }

    [Fact]
    public void A_missing_folder_is_reported()
    {
        PluginLoadReport report = new PluginLoader(_registry).LoadFrom(Path.Combine(_workFolder, "absent"));

        Assert.Contains("plug-in folder not found", Assert.Single(report.Errors));
    }

    /// <summary>Writes a small plug-in project referencing the Sniffer.Core the tests run with, builds it, returns its output folder.</summary>
    private string BuildPlugin()
    {
        string project = Path.Combine(_workFolder, "EchoPlugin");
        string output = Path.Combine(_workFolder, "plugins");
        Directory.CreateDirectory(project);
        string core = typeof(IDissectorFactory).Assembly.Location;
        File.WriteAllText(Path.Combine(project, "EchoPlugin.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <!-- The host provides Sniffer.Core; the plug-in must not ship its own copy. -->
                <Reference Include="Sniffer.Core" HintPath="{core}" Private="false" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "EchoPlugin.cs"), PluginSource);

        ProcessResult build = ExternalProgram.Run(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            ["build", "-c", "Release", "-o", output, "-nodeReuse:false", "-p:UseSharedCompilation=false", "--nologo"],
            BuildTimeout,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1", ["MSBUILDDISABLENODEREUSE"] = "1" },
            workingDirectory: project);
        Assert.True(build.ExitCode == 0, $"building the plug-in failed:\n{build.StandardOutput}{build.StandardError}");
        return output;
    }

    private const string PluginSource = """
        using System.Buffers;
        using System.Text;
        using Sniffer.Core.Dissection;
        using Sniffer.Core.Flows;
        using Sniffer.Core.Records;

        namespace EchoPlugin;

        public sealed class EchoLineRecord : SnifferRecord
        {
            public string Line { get; init; } = "";
        }

        public sealed class EchoFactory : IDissectorFactory
        {
            public string Name => "echo";
            public IReadOnlyList<ushort> DefaultServerPorts { get; } = [7];
            public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => ProbeResult.Match;
            public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings) => new EchoDissector(flow, sink);
        }

        public sealed class NeedsArgumentFactory(int unused) : IDissectorFactory
        {
            public string Name => "needs-argument" + unused;
            public IReadOnlyList<ushort> DefaultServerPorts { get; } = [];
            public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => ProbeResult.NoMatch;
            public IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings) => throw new NotSupportedException();
        }

        public abstract class AbstractFactory : IDissectorFactory
        {
            public abstract string Name { get; }
            public IReadOnlyList<ushort> DefaultServerPorts { get; } = [];
            public ProbeResult Probe(Direction direction, ReadOnlySpan<byte> firstBytes) => ProbeResult.NoMatch;
            public abstract IStreamDissector Create(FlowContext flow, IRecordSink sink, DissectorSettings settings);
        }

        internal sealed class EchoDissector(FlowContext flow, IRecordSink sink) : IStreamDissector
        {
            public DissectStatus OnData(Direction direction, ref SequenceReader<byte> reader, IStreamClock clock)
            {
                DissectStatus status = DissectStatus.NeedMoreData;
                while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
                {
                    sink.Emit(new EchoLineRecord { FlowId = flow.FlowId, TimeNs = clock.TimeAt(reader.Consumed - 1), Line = Encoding.ASCII.GetString(line) });
                    status = DissectStatus.Progress;
                }
                return status;
            }

            public DissectStatus OnGap(Direction direction, long streamOffset, long length, long timeNs) => DissectStatus.Progress;

            public void OnEnd(Direction direction, StreamEndReason reason, long timeNs) { }
        }
        """;
}
