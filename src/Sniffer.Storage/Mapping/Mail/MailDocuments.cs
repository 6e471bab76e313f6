using LiteDB;
using Sniffer.Dissectors.Mail;
using Sniffer.Dissectors.Smtp.Records;

namespace Sniffer.Storage.Mapping.Mail;

/// <summary>Document shapes the mail mappings share.</summary>
internal static class MailDocuments
{
    public static BsonArray Addresses(IEnumerable<MailAddress> addresses) => Bson.Strings(addresses.Select(a => a.ToString()));

    public static void SetReply(this BsonDocument document, string codeField, string textField, SmtpReply? reply)
    {
        if (reply is null) return;
        document[codeField] = reply.Code;
        document[textField] = string.Join("\n", reply.Lines);
    }

    /// <summary>The MIME tree, as deep as MessageSummary parsed it (it caps the depth).</summary>
    public static BsonDocument Part(MailBodyPart part)
    {
        var d = new BsonDocument { ["content_type"] = part.ContentType };
        d.Set("charset", part.Charset);
        d.Set("disposition", part.Disposition);
        d.Set("file_name", part.FileName);
        d.Set("transfer_encoding", part.TransferEncoding);
        d.Set("size", part.DecodedSize);
        d.Set("sha256", part.Sha256);
        d.Set("md5", part.Md5);
        d.Set("attachment", part.IsAttachment);
        if (part.Children.Count > 0) d["children"] = new BsonArray(part.Children.Select(c => (BsonValue)Part(c)));
        return d;
    }
}
