using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
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
            // Ctrl-C and SIGTERM (a service manager, `kill`) both mean "stop cleanly": take the signal instead of dying.
            Action<PosixSignalContext> onSignal = signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            };
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, onSignal);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, onSignal);

            // SMTP delivers into the store that IMAP reads, so a mail sent can be fetched back.
            var mail = new MailStore();
            var running = new List<RunningServer>();
            try
            {
                running.Add(Listen("http", bind, parse.GetValue(httpOption), port => HttpTestServer.StartAsync(new HttpTestServerOptions
                {
                    Bind = bind,
                    Port = port,
                    PageObjects = parse.GetValue(pageObjectsOption),
                    AllowNonLoopback = beyondLoopback,
                }), server => server.EndPoint));
                running.Add(Listen("smtp", bind, parse.GetValue(smtpOption), port => SmtpTestServer.StartAsync(mail, new SmtpTestServerOptions
                {
                    Bind = bind,
                    Port = port,
                    AllowNonLoopback = beyondLoopback,
                }), server => server.EndPoint));
                running.Add(Listen("imap", bind, parse.GetValue(imapOption), port => ImapTestServer.StartAsync(mail, new ImapTestServerOptions
                {
                    Bind = bind,
                    Port = port,
                    AllowNonLoopback = beyondLoopback,
                }), server => server.EndPoint));

                foreach (RunningServer server in running) Console.WriteLine($"{server.Protocol}  listening on {server.EndPoint}");
                Console.Error.WriteLine($"sniffer: mail users {string.Join(", ", mail.Users.Select(mail.AddressOf))}, password '{MailStore.DefaultPassword}'; Ctrl-C stops the servers");
                stop.Token.WaitHandle.WaitOne();
            }
            finally
            {
                foreach (RunningServer server in Enumerable.Reverse(running)) server.Server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            Console.Error.WriteLine("sniffer: servers stopped");
            return ExitCodes.Success;
        });
        return command;
    }

    private sealed record RunningServer(string Protocol, IPEndPoint EndPoint, IAsyncDisposable Server);

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

    /// <summary>Starts one server; a port that cannot be bound is the user's to fix, so it becomes one clear line.</summary>
    private static RunningServer Listen<TServer>(string protocol, IPAddress bind, int port, Func<int, Task<TServer>> start, Func<TServer, IPEndPoint> endPoint)
        where TServer : IAsyncDisposable
    {
        try
        {
            TServer server = start(port).GetAwaiter().GetResult();
            return new RunningServer(protocol, endPoint(server), server);
        }
        catch (Exception error) when (error is IOException or SocketException)
        {
            string where = port == 0 ? $"{bind}" : $"{new IPEndPoint(bind, port)}";
            throw new IOException($"cannot listen for {protocol.ToUpperInvariant()} on {where}: {(error.InnerException ?? error).Message}", error);
        }
    }
}
