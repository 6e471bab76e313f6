using System.CommandLine;
using Sniffer.Cli;
using Sniffer.Cli.Commands;

var root = new RootCommand("sniffer — capture and analyse HTTP, SMTP and IMAP traffic")
{
    InterfacesCommand.Create(),
    CaptureCommand.Create(),
    ReadCommand.Create(),
    BenchCommand.Create(),
    OpenCommand.Create(),
    ReportCommand.Create(),
    UiCommand.Create(),
    ExportCommand.Create(),
    GenerateCommand.Create(),
    ServeCommand.Create(),
    DemoCommand.Create(),
};
return CommandLine.Run(root, args);
