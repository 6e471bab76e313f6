using System.Collections.Concurrent;

namespace Sniffer.Storage.Mapping;

/// <summary>The record types a store knows by name; anything else is stored generically.</summary>
public sealed class RecordMappings
{
    private readonly Dictionary<Type, IRecordMapping> _byType = [];
    private readonly ConcurrentDictionary<Type, IRecordMapping> _generic = new();

    /// <summary>Flows, HTTP exchanges (with their cookies and bodies), SMTP and IMAP sessions, messages and anomalies.</summary>
    public static RecordMappings CreateDefault() => new RecordMappings()
        .Add(new FlowMapping())
        .Add(new HttpTransactionMapping())
        .Add(new Mail.SmtpSessionMapping())
        .Add(new Mail.SmtpTransactionMapping())
        .Add(new Mail.ImapSessionMapping())
        .Add(new Mail.ImapCommandMapping())
        .Add(new Mail.ImapTransferMapping())
        .Add(new Mail.MailMessageMapping())
        .Add(new AnomalyMapping());

    public RecordMappings Add(IRecordMapping mapping)
    {
        _byType.Add(mapping.RecordType, mapping);
        return this;
    }

    public IEnumerable<IRecordMapping> Known => _byType.Values;

    public IRecordMapping For(Type type) =>
        _byType.TryGetValue(type, out IRecordMapping? mapping) ? mapping : _generic.GetOrAdd(type, t => new GenericRecordMapping(t));

    public IRecordMapping? ForCollection(string collection) =>
        _byType.Values.FirstOrDefault(m => string.Equals(m.Collection, collection, StringComparison.OrdinalIgnoreCase));
}
