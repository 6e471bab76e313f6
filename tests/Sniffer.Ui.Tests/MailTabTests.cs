using Sniffer.TestSupport;
using Terminal.Gui.Input;
using Xunit;

namespace Sniffer.Ui.Tests;

/// <summary>The Mail tab over real SMTP and IMAP captures (curl against aiosmtpd and Dovecot).</summary>
public sealed class MailTabTests
{
    [SharedCapturesFact]
    public void The_mail_tab_shows_messages_and_smtp_envelopes_with_their_details()
    {
        using var database = new TestDatabase([RepositoryPaths.Shared("real/smtp-curl-aiosmtpd.pcap"), RepositoryPaths.Shared("real/imap-curl-dovecot.pcap")]);
        using var reader = database.OpenReader();
        using var ui = new UiHarness(reader);
        ui.Press(new Key('3'));
        ui.WaitForCounts();

        string screen = ui.Screen;
        Assert.Contains("messages (1/6, m: next)", screen);
        Assert.Matches(@"messages \(1/6, m: next\): [1-9][0-9]* rows", screen);
        Assert.Contains("── Message (smtp", ui.Window.CurrentList!.Details.Text);

        ui.Press(new Key('m'));
        ui.WaitForCounts();
        Assert.Matches(@"SMTP transactions \(2/6, m: next\): [1-9][0-9]* rows", ui.Screen);
        Assert.Contains("── SMTP envelope", ui.Window.CurrentList.Details.Text);
        Assert.Contains("RCPT TO:", ui.Window.CurrentList.Details.Text);

        ui.Press(new Key('/'));
        ui.Type("smtp.from ~ nobody-has-this-address");
        ui.Press(Key.Enter);
        ui.WaitForCounts();
        Assert.Contains("SMTP transactions (2/6, m: next): 0 rows", ui.Screen);
    }
}
