using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.TestSupport.Dissection;

namespace Sniffer.Dissectors.Smtp.Tests.Support;

/// <summary>Plays a conversation into one SMTP (or any) stream dissector as the reassembly framework does.</summary>
internal sealed class StreamDriver(IDissectorFactory factory, int chunkSize = int.MaxValue, DissectorSettings? settings = null, bool pickedUpMidStream = false)
    : DissectorDriver<StreamDriver>(factory, chunkSize, settings, pickedUpMidStream, Encoding.UTF8)
{
    public StreamDriver End() => EndBoth();
}
