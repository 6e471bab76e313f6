using System.CommandLine;
using Sniffer.Capture.Live;

namespace Sniffer.Cli.Commands;

/// <summary><c>sniffer interfaces</c>: what tshark -D lists, with addresses, flags and link type.</summary>
internal static class InterfacesCommand
{
    public static Command Create()
    {
        var command = new Command("interfaces", "List capture interfaces with their addresses, flags and link type");
        command.SetAction(_ =>
        {
            var interfaces = LiveInterfaces.List();
            int number = 0;
            foreach (LiveInterface device in interfaces)
            {
                number++;
                string link = device.LinkType is { } type ? $"{type} ({(int)type})" : $"unknown ({device.LinkTypeProblem})";
                Console.WriteLine($"{number}. {device.Name}{(device.Description is null ? "" : $" ({device.Description})")}");
                Console.WriteLine($"     link type: {link}");
                Console.WriteLine($"     flags:     {(device.Flags.Count == 0 ? "-" : string.Join(", ", device.Flags))}");
                Console.WriteLine($"     addresses: {(device.Addresses.Count == 0 ? "-" : string.Join(", ", device.Addresses))}");
            }
            if (number == 0) Console.WriteLine("no capture interfaces found (is this a container without network devices?)");
            return ExitCodes.Success;
        });
        return command;
    }
}
