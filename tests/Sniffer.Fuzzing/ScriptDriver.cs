using System.Text;
using Sniffer.Core.Dissection;
using Sniffer.TestSupport.Dissection;

namespace Sniffer.Fuzzing;

/// <summary>Plays a <see cref="ChunkScript"/> into one stream dissector, as the framework would deliver it.</summary>
public sealed class ScriptDriver(IDissectorFactory factory, DissectorSettings? settings = null)
    : DissectorDriver<ScriptDriver>(factory, int.MaxValue, settings, pickedUpMidStream: false, Encoding.Latin1)
{
    private readonly string _protocol = factory.Name;

    /// <summary>
    /// Sends each step, then ends both directions. <paramref name="maxUnconsumedBytes"/>: fail when the dissector leaves more
    /// than this unconsumed in a direction (the framework's cap, past which it should have rejected an over-long element itself).
    /// </summary>
    /// <exception cref="ContractViolationException">The dissector held more than <paramref name="maxUnconsumedBytes"/>.</exception>
    public ScriptDriver Play(byte[] script, long maxUnconsumedBytes = long.MaxValue)
    {
        foreach (ChunkScript.Step step in ChunkScript.Read(script))
        {
            if (step.GapLength > 0) Gap(step.Direction, step.GapLength);
            else Send(step.Direction, step.Bytes.Span);
            long held = Pending(step.Direction);
            if (held > maxUnconsumedBytes)
            {
                throw new ContractViolationException($"{_protocol} left {held} bytes unconsumed ({step.Direction}), more than {maxUnconsumedBytes}");
            }
        }
        return EndBoth();
    }
}
