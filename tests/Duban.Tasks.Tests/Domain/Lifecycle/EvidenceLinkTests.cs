using Duban.Tasks.Domain;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class EvidenceLinkTests
{
    [Theory]
    [InlineData("https://park.example.cn/docs/1")]
    [InlineData("http://10.1.2.3/files/方案.pdf")]
    public void Http_and_https_links_pass(string link) => Assert.Null(EvidenceLink.Problem(link));

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://files.example.cn/a")]
    [InlineData("/docs/1")]
    [InlineData("docs/1")]
    [InlineData("")]
    [InlineData("https://user:secret@park.example.cn/docs/1")]
    public void Other_links_are_refused(string link) => Assert.NotNull(EvidenceLink.Problem(link));

    [Fact]
    public void Links_are_length_limited()
    {
        var prefix = "https://park.example.cn/";
        Assert.Null(EvidenceLink.Problem(prefix + new string('a', EvidenceLink.MaxLength - prefix.Length)));
        Assert.NotNull(EvidenceLink.Problem(prefix + new string('a', EvidenceLink.MaxLength - prefix.Length + 1)));
    }
}
