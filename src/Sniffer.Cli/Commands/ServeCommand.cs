using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Sniffer.Servers.Http;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer serve</c>: the built-in test servers, on loopback unless told otherwise, until Ctrl-C or SIGTERM.
/// Each prints one line saying where it listens, so scripts can read the ports chosen for them.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var httpOption = PortOption("--http", "HTTP");
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

        var command = new Command("serve", "Run the built-in test servers (HTTP) until Ctrl-C; free ports unless given")
        {
            httpOption, bindOption, pageObjectsOption,
        };
        command.SetAction(parse =>
        {
            IPAddress bind = parse.GetRequiredValue(bindOption);
            bool beyondLoopback = !IPAddress.IsLoopback(bind);
            if (beyondLoopback)
            {
                Console.Error.WriteLine($"sniffer: warning: listening on {bind}, not loopback: other machines can reach these test servers, which accept uploads and set tracking cookies");
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

            HttpTestServer http = Listen("HTTP", parse.GetValue(httpOption), bind, port => HttpTestServer.StartAsync(new HttpTestServerOptions
            {
                Bind = bind,
                Port = port,
                PageObjects = parse.GetValue(pageObjectsOption),
                AllowNonLoopback = beyondLoopback,
            }));
            try
            {
                Console.WriteLine($"http  listening on {http.EndPoint}");
                Console.Out.Flush();
                Console.Error.WriteLine("sniffer: Ctrl-C stops the servers");
                stop.Token.WaitHandle.WaitOne();
            }
            finally
            {
                http.DisposeAsync().AsTask().GetAwaiter().GetResult();
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

    /// <summary>Starts one server; a port that cannot be bound is the user's to fix, so it becomes one clear line.</summary>
    private static TServer Listen<TServer>(string protocol, int port, IPAddress bind, Func<int, Task<TServer>> start)
    {
        try
        {
            return start(port).GetAwaiter().GetResult();
        }
        catch (Exception error) when (error is IOException or SocketException)
        {
            string where = port == 0 ? $"{bind}" : $"{new IPEndPoint(bind, port)}";
            throw new IOException($"cannot listen for {protocol} on {where}: {(error.InnerException ?? error).Message}", error);
        }
    }
}
