using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Duban.Harness.Mail;

/// <summary>A message as smtp4dev lists it.</summary>
public sealed record ReceivedMail(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] IReadOnlyList<string> To,
    [property: JsonPropertyName("subject")] string Subject);

/// <summary>
/// A real SMTP server for tests, the benchmark and the local run: smtp4dev (the dotnet tool in the repository's tool
/// manifest, <c>dotnet tool restore</c>), with an in-memory database, on free loopback ports; what it received is read
/// through its HTTP API (the same address serves its web UI).
/// </summary>
public sealed class Smtp4devServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private Smtp4devServer(Process process, int smtpPort, int webPort, string directory)
    {
        _process = process;
        SmtpPort = smtpPort;
        WebPort = webPort;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri(WebUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int SmtpPort { get; }
    public int WebPort { get; }
    /// <summary>The web UI and its API (/api/messages).</summary>
    public string WebUrl => $"http://127.0.0.1:{WebPort}";

    /// <summary>Starts on free ports, or on <paramref name="smtpPort"/> and <paramref name="webPort"/> when given (the local run).</summary>
    public static async Task<Smtp4devServer> StartAsync(RepoPaths repo, int messagesToKeep = 1000, int smtpPort = 0, int webPort = 0,
        CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("duban-smtp4dev-").FullName;
        smtpPort = smtpPort == 0 ? FreePort() : smtpPort;
        webPort = webPort == 0 ? FreePort() : webPort;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "tool", "run", "smtp4dev", "--", $"--urls=http://127.0.0.1:{webPort}", $"--smtpport={smtpPort}", "--imapport=0", "--pop3port=0",
                     "--bindaddress=127.0.0.1", "--db=", "--nousersettings", $"--baseappdatapath={directory}", $"--messagestokeep={messagesToKeep}",
                 })
            info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start smtp4dev (dotnet tool restore?)");
        var output = new List<string>();
        void Keep(object _, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
                lock (output)
                    output.Add(e.Data);
        }
        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Smtp4devServer(process, smtpPort, webPort, directory);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
                lock (output)
                    throw new InvalidOperationException($"smtp4dev exited with code {process.ExitCode}: {string.Join("\n", output.TakeLast(30))}");
            try
            {
                using var smtp = new TcpClient();
                await smtp.ConnectAsync(IPAddress.Loopback, smtpPort, cancellationToken);
                using var response = await server._http.GetAsync("/api/messages?pageSize=1", cancellationToken);
                if (response.IsSuccessStatusCode)
                    return server;
            }
            catch (Exception ex) when ((ex is SocketException or HttpRequestException) && DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException("smtp4dev did not answer within 60 s");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Every message received, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MessagesAsync(CancellationToken ct = default)
    {
        var all = new List<ReceivedMail>();
        for (var page = 1; ; page++)
        {
            var reply = await _http.GetFromJsonAsync<Page>($"/api/messages?page={page}&pageSize=500&sortColumn=receivedDate&sortIsDescending=false", ct)
                ?? throw new InvalidOperationException("smtp4dev answered nothing");
            all.AddRange(reply.Results);
            if (page >= reply.PageCount)
                return all;
        }
    }

    public Task<string> PlainTextAsync(string id, CancellationToken ct = default) => _http.GetStringAsync($"/api/messages/{id}/plaintext", ct);

    public Task<string> HtmlAsync(string id, CancellationToken ct = default) => _http.GetStringAsync($"/api/messages/{id}/html", ct);

    /// <summary>The message's headers as received, in order (a header may come more than once).</summary>
    public async Task<IReadOnlyList<(string Name, string Value)>> HeadersAsync(string id, CancellationToken ct = default)
    {
        var message = await _http.GetFromJsonAsync<MessageHeaders>($"/api/messages/{id}", ct) ?? throw new InvalidOperationException($"smtp4dev has no message {id}");
        return message.Headers.Select(h => (h.Name, h.Value)).ToList();
    }

    /// <summary>The message as it arrived (headers and MIME parts).</summary>
    public Task<string> SourceAsync(string id, CancellationToken ct = default) => _http.GetStringAsync($"/api/messages/{id}/source", ct);

    public async Task DeleteAllAsync(CancellationToken ct = default) => (await _http.DeleteAsync("/api/messages/*", ct)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record Header([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("value")] string Value);

    private sealed record MessageHeaders([property: JsonPropertyName("headers")] List<Header> Headers);

    private sealed record Page([property: JsonPropertyName("results")] List<ReceivedMail> Results, [property: JsonPropertyName("pageCount")] int PageCount);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
