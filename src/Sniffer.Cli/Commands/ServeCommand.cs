using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using Sniffer.Servers.Http;
using Sniffer.Servers.Mail;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer serve</c>: the built-in HTTP, SMTP and IMAP test servers, on loopback unless told otherwise, until
/// Ctrl-C or SIGTERM. Each prints one line on stdout saying where it listens, so scripts can read the ports chosen.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var httpOption = PortOption("--http", "HTTP");
        var smtpOption = PortOption("--smtp", "SMTP");
        var imapOption = PortOption("--imap", "IMAP");
        var bindOption = new Option<IPAddress>("--bind")
        {
            Description = "Address to listen on; anything but loopback lets other machines reach the test servers",
            DefaultValueFactory = _ => IPAddress.Loopback,
            CustomParser = ParseAddress,
        };
        var pageObjectsOption = new Option<int>("--page-objects")
        {
            Description = $"How many objects the HTTP site's page references (0 to {TestSite.ObjectNames.Count})",
            DefaultValueFactory = _ => new HttpTestServerOptions().PageObjects,
        };
        pageObjectsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var count && (count < 0 || count > TestSite.ObjectNames.Count))
                result.AddError($"--page-objects must be between 0 and {TestSite.ObjectNames.Count}");
        });

        var command = new Command("serve", "Run the built-in HTTP, SMTP and IMAP test servers until Ctrl-C; free ports unless given")
        {
            httpOption, smtpOption, imapOption, bindOption, pageObjectsOption,
        };
        command.SetAction(parse =>
        {
            IPAddress bind = parse.GetRequiredValue(bindOption);
            bool beyondLoopback = !IPAddress.IsLoopback(bind);
            if (beyondLoopback)
            {
                Console.Error.WriteLine($"sniffer: warning: listening on {bind}, not loopback: other machines can reach these test servers, which accept uploads and mail and set tracking cookies");
            }

            using var stop = new CancellationTokenSource();
            using var signals = new StopSignals(stop);

            var placement = new ServerPlacement
            {
                Bind = bind,
                HttpPort = parse.GetValue(httpOption),
                SmtpPort = parse.GetValue(smtpOption),
                ImapPort = parse.GetValue(imapOption),
                PageObjects = parse.GetValue(pageObjectsOption),
            };
            // Disposing waits for the servers to stop; a synchronous action has nothing else to do meanwhile.
            var servers = new BuiltInServers(placement);
            try
            {
                servers.StartHttpAsync(stop.Token).GetAwaiter().GetResult();
                servers.StartSmtpAsync(stop.Token).GetAwaiter().GetResult();
                servers.StartImapAsync(stop.Token).GetAwaiter().GetResult();
                foreach (var (protocol, endPoint) in servers.Listening) Console.WriteLine($"{protocol}  listening on {endPoint}");
                Console.Error.WriteLine($"sniffer: mail users {string.Join(", ", servers.Mail.Users.Select(servers.Mail.AddressOf))}, password '{MailStore.DefaultPassword}'; Ctrl-C stops the servers");
                stop.Token.WaitHandle.WaitOne();
            }
            finally
            {
                servers.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            Console.Error.WriteLine("sniffer: servers stopped");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<int> PortOption(string name, string protocol)
    {
        var option = new Option<int>(name) { Description = $"{protocol} port (default: a free port)", DefaultValueFactory = _ => 0 };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > IPEndPoint.MaxPort) result.AddError($"{name} must be a port from 0 to {IPEndPoint.MaxPort}");
        });
        return option;
    }

    private static IPAddress? ParseAddress(ArgumentResult result)
    {
        string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (IPAddress.TryParse(text, out IPAddress? address)) return address;
        result.AddError($"'{text}' is not an IP address");
        return null;
    }
}
