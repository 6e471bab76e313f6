using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Dissectors.Http.Records;
using Sniffer.TestSupport.Dissection;

namespace Sniffer.Dissectors.Http.Tests.Support;

/// <summary>Plays a conversation into one <see cref="HttpStreamDissector"/> as the reassembly framework does.</summary>
internal sealed class ConversationDriver(int chunkSize = int.MaxValue, DissectorSettings? settings = null, bool pickedUpMidStream = false)
    : DissectorDriver<ConversationDriver>(new HttpDissectorFactory(), chunkSize, settings, pickedUpMidStream, Encoding.Latin1)
{
    public IReadOnlyList<HttpTransaction> Transactions => Records<HttpTransaction>().ToList();
}
