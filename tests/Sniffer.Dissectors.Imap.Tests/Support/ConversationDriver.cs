using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.Core.IO;
using Sniffer.TestSupport.Dissection;

namespace Sniffer.Dissectors.Imap.Tests.Support;

/// <summary>Plays a conversation into one <see cref="ImapStreamDissector"/> as the reassembly framework does.</summary>
internal sealed class ConversationDriver(int chunkSize = int.MaxValue, DissectorSettings? settings = null, KeptBytesBudget? keptBytesBudget = null)
    : DissectorDriver<ConversationDriver>(new ImapDissectorFactory(), chunkSize, settings, pickedUpMidStream: false, Encoding.UTF8, keptBytesBudget);
