using System.CommandLine;
using Sniffer.Core.Dissection;
using Sniffer.Engine;

namespace Sniffer.Cli.Commands;

/// <summary>Options every command that analyses traffic shares: protocol mapping, plug-ins, secrets, limits.</summary>
internal sealed class AnalysisOptions
{
    public Option<string[]> Map { get; } = new("--map")
    {
        Description = "Decode a server port as a protocol, as tshark's -d does: --map 18080=http (repeatable)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<DirectoryInfo?> Plugins { get; } = new("--plugins")
    {
        Description = $"Load dissector plug-ins from this folder (default: {PluginFolders.DefaultDisplay})",
    };

    public Option<bool> ShowSecrets { get; } = new("--show-secrets")
    {
        Description = "Show passwords, AUTH blobs and credentials instead of masking them",
    };

    public Option<string[]> Limits { get; } = new("--limit")
    {
        Description = "Set a limit, as tshark's -o does: --limit http.max_body=64MB (repeatable; sizes take KB, MB or GB, " +
            "1 KB = 1024 bytes). Each limit hit is an anomaly and the rest of the capture is still analysed. " +
            $"Limits and defaults: {PipelineLimits.NamesWithDefaults}",
        HelpName = "NAME=VALUE",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public void AddTo(Command command)
    {
        command.Add(Map);
        command.Add(Plugins);
        command.Add(ShowSecrets);
        command.Add(Limits);
        command.Validators.Add(result =>
        {
            foreach (string mapping in result.GetValue(Map) ?? [])
            {
                try
                {
                    PortMapping.Parse(mapping);
                }
                catch (ArgumentException error)
                {
                    result.AddError("--map: " + error.Message);
                }
            }
            try
            {
                PipelineLimits.Apply(new PipelineOptions(), result.GetValue(Limits) ?? []);
            }
            catch (ArgumentException error)
            {
                result.AddError("--limit: " + error.Message);
            }
        });
    }

    public PipelineOptions Read(ParseResult parse) => PipelineLimits.Apply(new PipelineOptions
    {
        PortMappings = (parse.GetValue(Map) ?? []).Select(PortMapping.Parse).ToList(),
        PluginDirectory = parse.GetValue(Plugins)?.FullName ?? PluginFolders.Default,
        PluginDirectoryIsDefault = parse.GetValue(Plugins) is null,
        Dissectors = DissectorSettings.Default with { ShowSecrets = parse.GetValue(ShowSecrets) },
    }, parse.GetValue(Limits) ?? []);
}
