using System.CommandLine;
using Sniffer.Storage;
using Sniffer.Ui;

namespace Sniffer.Cli.Commands;

/// <summary>
/// <c>sniffer ui DB</c>: browse a session database in the terminal — flows, HTTP exchanges, mail, cookies,
/// timings and anomalies — read-only, so several can look at one finished database at once.
/// </summary>
internal static class UiCommand
{
    public static Command Create()
    {
        var databaseArgument = new Argument<FileInfo>("database")
        {
            Description = "A session database written by 'sniffer open' or 'sniffer capture --db'",
        };
        var command = new Command("ui", "Browse a session database in the terminal (keys: / filter, Enter details, f follow, s sort, e export, q quit)")
        {
            databaseArgument,
        };
        command.SetAction(parse =>
        {
            FileInfo database = parse.GetRequiredValue(databaseArgument);
            // Missing or foreign files are one clear line (exit 1), before the screen is taken over.
            if (!database.Exists) throw new FileNotFoundException($"{database.FullName} does not exist");
            if (!SessionStore.IsLiteDbFile(database.FullName)) throw new SessionStoreException($"{database.FullName} is not a session database (make one with 'sniffer open CAPTURE')");
            SnifferUi.Run(database.FullName);
            return ExitCodes.Success;
        });
        return command;
    }
}
