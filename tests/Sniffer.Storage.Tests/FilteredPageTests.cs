using Sniffer.Dissectors.Http.Records;
using Sniffer.Storage.Mapping;
using Xunit;

namespace Sniffer.Storage.Tests;

/// <summary>
/// A filtered page is read either by walking the time index and testing each exchange (dense matches) or through
/// the filter's own index and a sort (sparse ones); both must give the rows a sort of everything would.
/// </summary>
public sealed class FilteredPageTests : IDisposable
{
    private const int Flows = 1_500;

    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Dense_and_sparse_filters_page_in_time_order_although_exchanges_were_emitted_out_of_order()
    {
        var shuffle = new Random(5);
        // Emitted shuffled, so time order differs from emission (_id) order and a walk in the wrong order would show.
        HttpTransaction[] exchanges = Enumerable.Range(1, Flows).Select(flow => SyntheticRecords.PlainHttp(flow, 1))
            .OrderBy(_ => shuffle.Next()).ToArray();
        string db = _folder.File("pages.sniffer.db");
        using (var writer = SessionStoreWriter.Open(db))
        {
            writer.BeginCapture(new CaptureSource("synthetic"));
            foreach (HttpTransaction exchange in exchanges) writer.Emit(exchange);
        }

        using var reader = SessionStoreReader.Open(db);
        // One flow in ten is a 304 (dense: the walk), one in fifty is host7 (the walk, after its sample), two flows
        // have a target under /static/7/ (sparse: the index and a sort).
        AssertPage(reader, exchanges, new HttpFilter { Status = 304 }, new Page(50, 50), e => e.Response!.StatusCode == 304);
        AssertPage(reader, exchanges, new HttpFilter { Host = "host7.example" }, new Page(10, 10), e => e.Host == "host7.example");
        AssertPage(reader, exchanges, new HttpFilter { UriPrefix = "/static/7/" }, Page.First(50), e => e.Request!.Target.StartsWith("/static/7/"));
        AssertPage(reader, exchanges, new HttpFilter { Status = 500 }, Page.First(50), _ => false);

        long[] newest304 = reader.Documents(StoreCollections.Http, Page.First(20), LiteDB.Query.EQ("status", 304), StoredFields.Time, descending: true)
            .Select(d => d[StoredFields.Time].AsInt64).ToArray();
        Assert.Equal(exchanges.Where(e => e.Response!.StatusCode == 304).Select(e => e.TimeNs).OrderDescending().Take(20), newest304);
    }

    private static void AssertPage(SessionStoreReader reader, HttpTransaction[] exchanges, HttpFilter filter, Page page, Func<HttpTransaction, bool> matches)
    {
        long[] expected = exchanges.Where(matches).OrderBy(e => e.TimeNs).Skip(page.Skip).Take(page.Take).Select(e => e.FlowId).ToArray();
        Assert.Equal(expected, reader.Http(page, filter).Select(h => h.Record.FlowId));
    }
}
