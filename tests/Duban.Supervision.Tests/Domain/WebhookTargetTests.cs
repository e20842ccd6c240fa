using System.Net;
using Duban.Supervision.Domain.Webhooks;

namespace Duban.Supervision.Tests.Domain;

public class TargetAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.0.9", AddressKind.Loopback)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("10.0.0.1", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("169.254.0.1", AddressKind.LinkLocal)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("febf::1", AddressKind.LinkLocal)]
    [InlineData("224.0.0.1", AddressKind.Multicast)]
    [InlineData("239.255.255.250", AddressKind.Multicast)]
    [InlineData("ff02::1", AddressKind.Multicast)]
    [InlineData("0.0.0.0", AddressKind.Unspecified)]
    [InlineData("0.1.2.3", AddressKind.Unspecified)]
    [InlineData("::", AddressKind.Unspecified)]
    [InlineData("100.64.0.1", AddressKind.SharedAddressSpace)]
    [InlineData("100.127.255.255", AddressKind.SharedAddressSpace)]
    [InlineData("255.255.255.255", AddressKind.Reserved)]
    [InlineData("240.0.0.1", AddressKind.Reserved)]
    // IPv4 carried in IPv6 reaches the IPv4 address.
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("::ffff:7f00:1", AddressKind.Loopback)]
    [InlineData("::ffff:10.1.2.3", AddressKind.Private)]
    [InlineData("::ffff:169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("::ffff:0.0.0.0", AddressKind.Unspecified)]
    [InlineData("::127.0.0.1", AddressKind.Loopback)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressKind.LinkLocal)]
    [InlineData("2002:7f00:1::", AddressKind.Loopback)]
    // Public, including the neighbours of every range above.
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("172.15.255.255", AddressKind.Public)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("192.169.0.1", AddressKind.Public)]
    [InlineData("100.63.255.255", AddressKind.Public)]
    [InlineData("100.128.0.1", AddressKind.Public)]
    [InlineData("169.253.1.1", AddressKind.Public)]
    [InlineData("223.255.255.255", AddressKind.Public)]
    [InlineData("11.0.0.1", AddressKind.Public)]
    [InlineData("2001:4860:4860::8888", AddressKind.Public)]
    [InlineData("fec0::1", AddressKind.Private)]
    [InlineData("::ffff:8.8.8.8", AddressKind.Public)]
    public void Classifies(string address, AddressKind kind) => Assert.Equal(kind, TargetAddress.Classify(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0x7f.1", "127.0.0.1")]
    [InlineData("0x7F000001", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    [InlineData("017700000001", "127.0.0.1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("0x7f.0.0.0x1", "127.0.0.1")]
    [InlineData("0", "0.0.0.0")]
    [InlineData("0x0", "0.0.0.0")]
    [InlineData("3232235777", "192.168.1.1")]
    [InlineData("0xa9.0xfe.0xa9.0xfe", "169.254.169.254")]
    [InlineData("2852039166", "169.254.169.254")]
    [InlineData("10.0x10.0", "10.16.0.0")]
    [InlineData("[::1]", "::1")]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1")]
    [InlineData("[::ffff:7f00:1]", "::ffff:127.0.0.1")]
    public void Reads_every_spelling_of_an_address(string host, string address) =>
        Assert.Equal(IPAddress.Parse(address), TargetAddress.ParseLiteral(host));

    [Theory]
    [InlineData("hooks.example.cn")]
    [InlineData("localhost")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("4294967296")]
    [InlineData("1.2.65536")]
    [InlineData("08.0.0.1")]
    [InlineData("0xg.1")]
    [InlineData("1..2")]
    [InlineData("")]
    [InlineData("127.0.0.1.")]
    public void A_name_or_nonsense_is_no_literal_address(string host) => Assert.Null(TargetAddress.ParseLiteral(host));

    [Fact]
    public void What_System_Uri_makes_of_odd_spellings_is_still_read_as_the_address()
    {
        foreach (var url in new[] { "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/", "http://[::ffff:127.0.0.1]/" })
        {
            var host = new Uri(url).IdnHost;
            Assert.True(TargetAddress.ParseLiteral(host) is { } address && TargetAddress.Classify(address) == AddressKind.Loopback, $"{url} → {host}");
        }
    }
}

public class WebhookTargetPolicyTests
{
    private static readonly WebhookTargetPolicy Production = new(allowHttp: false, []);
    private static readonly WebhookTargetPolicy Development = new(allowHttp: true, ["127.0.0.1", "10.8.0.0/16", "hooks.intranet", "::1"]);

    [Theory]
    [InlineData("https://hooks.example.cn/duban")]
    [InlineData("https://8.8.8.8/hook")]
    [InlineData("https://[2001:4860:4860::8888]:8443/hook")]
    [InlineData("https://localhost/hook")] // a name: checked when resolved, at delivery
    public void Production_accepts_public_https_targets(string url) => Assert.Null(Production.CheckSubscription(url));

    [Theory]
    [InlineData("http://hooks.example.cn/duban", "https")]
    [InlineData("ftp://hooks.example.cn/duban", "https")]
    [InlineData("hooks.example.cn/duban", "https")]
    [InlineData("javascript:alert(1)", "https")]
    [InlineData("https://user:pw@hooks.example.cn/duban", "credentials")]
    [InlineData("https://token@hooks.example.cn/duban", "credentials")]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://127.0.0.1:5301/hook", "loopback")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://2130706433/", "loopback")]
    [InlineData("https://0x7f.1/", "loopback")]
    [InlineData("https://0177.0.0.1/", "loopback")]
    [InlineData("https://[::ffff:127.0.0.1]/", "loopback")]
    [InlineData("https://10.1.2.3/", "private")]
    [InlineData("https://192.168.0.10/", "private")]
    [InlineData("https://172.20.0.1/", "private")]
    [InlineData("https://[fd00::5]/", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("https://[fe80::1]/", "link-local")]
    [InlineData("https://0.0.0.0/", "unspecified")]
    [InlineData("https://[::]/", "unspecified")]
    [InlineData("https://224.0.0.251/", "multicast")]
    [InlineData("https://100.64.1.1/", "CGNAT")]
    public void Production_refuses(string url, string why) => Assert.Contains(why, Production.CheckSubscription(url));

    [Theory]
    [InlineData("http://127.0.0.1:5000/hooks/a")]
    [InlineData("http://[::1]:5000/hooks/a")]
    [InlineData("http://10.8.3.4/hook")]
    [InlineData("https://hooks.intranet/hook")]
    [InlineData("https://HOOKS.INTRANET./hook")]
    public void The_allow_list_lets_named_hosts_in(string url) => Assert.Null(Development.CheckSubscription(url));

    [Theory]
    [InlineData("http://127.0.0.2/", "loopback")]
    [InlineData("http://2130706434/", "loopback")]
    [InlineData("http://10.9.0.1/", "private")]
    [InlineData("http://169.254.169.254/", "link-local")]
    [InlineData("http://user:pw@127.0.0.1/", "credentials")]
    public void The_allow_list_lets_nothing_else_in(string url, string why) => Assert.Contains(why, Development.CheckSubscription(url));

    [Fact]
    public void At_delivery_a_name_resolving_anywhere_inside_is_refused_unless_the_name_itself_is_listed()
    {
        IPAddress[] loopback = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        Assert.Equal("refused: loopback address", Development.CheckAddresses("localhost", loopback));
        Assert.Equal("refused: private address", Production.CheckAddresses("hooks.example.cn", [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.7")]));
        Assert.Equal("refused: link-local address", Production.CheckAddresses("rebind.example.cn", [IPAddress.Parse("::ffff:169.254.169.254")]));
        Assert.Null(Production.CheckAddresses("hooks.example.cn", [IPAddress.Parse("93.184.216.34")]));
        Assert.Null(Development.CheckAddresses("hooks.intranet", [IPAddress.Parse("10.20.0.1")]));
        Assert.Null(Development.CheckAddresses("127.0.0.1", [IPAddress.Loopback]));
        Assert.Equal("name not resolved", Production.CheckAddresses("nowhere.example.cn", []));
    }

    [Fact]
    public void At_delivery_the_scheme_and_credentials_are_checked_again()
    {
        Assert.Equal("refused: http not allowed", Production.CheckDelivery(new Uri("http://hooks.example.cn/")));
        Assert.Equal("refused: credentials in URL", Production.CheckDelivery(new Uri("https://a:b@hooks.example.cn/")));
        Assert.Null(Development.CheckDelivery(new Uri("http://hooks.example.cn/")));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("fd00::/8", true)]
    [InlineData("hooks.intranet", true)]
    [InlineData("10.0.0.1/8", false)]
    [InlineData("http://hooks.intranet", false)]
    [InlineData("hooks intranet", false)]
    public void Allow_list_entries_are_hosts_addresses_or_networks(string entry, bool valid)
    {
        Assert.Equal(valid, WebhookTargetPolicy.IsValidEntry(entry));
        if (!valid)
            Assert.Throws<ArgumentException>(() => new WebhookTargetPolicy(false, [entry]));
    }
}
