using System.Text;
using Duban.Supervision.Webhooks;

namespace Duban.Supervision.Tests.Domain;

public class WebhookSignatureTests
{
    [Fact]
    public void The_signature_is_hmac_sha256_of_the_timestamp_a_dot_and_the_body_as_any_receiver_computes_it()
    {
        // printf '1700000000.{"a":"督办"}' | openssl dgst -sha256 -hmac 'whsec-0123456789abcdef'
        var signature = WebhookSender.Sign("whsec-0123456789abcdef", "1700000000", Encoding.UTF8.GetBytes("""{"a":"督办"}"""));

        Assert.Equal("927340b794b2827e39784f53ce5bcb9aa91d7f35172e32500bf3ac2e6fd7add7", signature);
        Assert.NotEqual(signature, WebhookSender.Sign("whsec-0123456789abcdef", "1700000001", Encoding.UTF8.GetBytes("""{"a":"督办"}""")));
    }
}
