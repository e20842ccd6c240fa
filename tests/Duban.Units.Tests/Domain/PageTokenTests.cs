using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;

namespace Duban.Units.Tests.Domain;

public class PageTokenTests
{
    [Fact]
    public void A_token_round_trips_for_the_same_query_only()
    {
        var token = PageToken.Encode("units|a", "park-czj");
        Assert.Equal("park-czj", PageToken.Decode(token, "units|a"));
        Assert.Null(PageToken.Decode("", "units|a"));
        var ex = Assert.Throws<ValidationFailedException>(() => PageToken.Decode(token, "units|b"));
        Assert.Equal("page_token", ex.Violations.Single().Field);
        Assert.Throws<ValidationFailedException>(() => PageToken.Decode("%%%", "units|a"));
    }

    [Fact]
    public void Page_sizes_default_and_cap()
    {
        Assert.Equal(PageToken.DefaultPageSize, PageToken.Size(0));
        Assert.Equal(PageToken.MaxPageSize, PageToken.Size(1_000_000));
        Assert.Equal(7, PageToken.Size(7));
        Assert.Throws<ValidationFailedException>(() => PageToken.Size(-1));
    }
}
