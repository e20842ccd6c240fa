using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;

namespace Duban.Sweep.Tests;

/// <summary>The same contracts over HTTP/JSON: a body that is no JSON of the request, or a bad path value, is a 4xx with a JSON body, never a 500.</summary>
[Collection(ThreeServicesCollection.Name)]
public partial class JsonSweepTests(ThreeServicesFixture services)
{
    private static readonly (string Kind, string Body)[] BadBodies =
    [
        ("cut JSON", "{"),
        ("an array", "[1, 2]"),
        ("a lone surrogate", "\"\\ud800\""),
        ("a number for an object", "42"),
        ("NUL in JSON", "{\"x\u0000\": 1}"),
    ];

    [Fact]
    public async Task Every_http_route_answers_bad_json_and_bad_path_values_with_a_4xx_json_body()
    {
        var failures = new List<string>();
        var calls = 0;
        foreach (var method in SweepTests.Services.SelectMany(s => s.Methods))
        {
            if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
                continue;
            var (verb, template) = rule.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
                HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
                HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
                HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
                _ => (HttpMethod.Put, rule.Put),
            };
            var http = services.Serving(method.Service.FullName).Http();
            var requests = new List<(string Kind, HttpRequestMessage Request)>();
            if (PathParameter().IsMatch(template))
                requests.Add(("a control character in a path value", new HttpRequestMessage(verb, PathParameter().Replace(template, "a%07b"))
                {
                    Content = rule.Body.Length > 0 ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
                }));
            if (rule.Body.Length > 0)
                foreach (var (kind, body) in BadBodies)
                    requests.Add((kind, new HttpRequestMessage(verb, PathParameter().Replace(template, Guid.NewGuid().ToString()))
                    {
                        Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    }));
            else if (method.InputType.FindFieldByName("page_size") is not null)
                requests.Add(("a bad query value", new HttpRequestMessage(verb, PathParameter().Replace(template, Guid.NewGuid().ToString()) + "?pageSize=many")));

            foreach (var (kind, request) in requests)
            {
                calls++;
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode is < 400 or >= 500 && response.StatusCode != HttpStatusCode.NotFound)
                    failures.Add($"{method.FullName} <{kind}>: {(int)response.StatusCode} {Cut(text)}");
                else if (!IsJson(text))
                    failures.Add($"{method.FullName} <{kind}>: {(int)response.StatusCode} without a JSON body: {Cut(text)}");
            }
        }
        Assert.True(calls > 50, $"only {calls} calls");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls failed:\n" + string.Join("\n", failures));
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Cut(string text) => text.Length > 200 ? text[..200] + "…" : text;

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}
