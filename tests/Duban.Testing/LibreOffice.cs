using System.Diagnostics;

namespace Duban.Testing;

/// <summary>
/// LibreOffice (Debian `libreoffice-writer`, installed by .ci/run) and poppler (`poppler-utils`), run as a reader would:
/// a document LibreOffice cannot convert to PDF is not a valid document. Each conversion gets a profile folder of its
/// own, so tests converting at the same time do not share (and lock) one.
/// </summary>
public static class LibreOffice
{
    /// <summary>Converts <paramref name="document"/> to a PDF beside it in <paramref name="folder"/>; returns its path.</summary>
    public static async Task<string> ConvertToPdfAsync(string document, string folder)
    {
        var soffice = Find("soffice") ?? Find("libreoffice")
            ?? throw new InvalidOperationException("LibreOffice is not installed (soffice or libreoffice on PATH): apt-get install libreoffice-writer");
        var profile = Path.Combine(Path.GetTempPath(), "duban-lo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = await RunAsync(soffice, TimeSpan.FromMinutes(3),
                $"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", folder, document);
            var pdf = Path.Combine(folder, Path.GetFileNameWithoutExtension(document) + ".pdf");
            if (exit != 0 || !File.Exists(pdf))
                throw new InvalidOperationException($"LibreOffice did not convert {document} (exit {exit}): {output}");
            return pdf;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The text of a PDF as pdftotext lays it out.</summary>
    public static async Task<string> PdfTextAsync(string pdf)
    {
        var tool = Find("pdftotext") ?? throw new InvalidOperationException("pdftotext is not installed: apt-get install poppler-utils");
        var text = pdf + ".txt";
        var (exit, output) = await RunAsync(tool, TimeSpan.FromMinutes(1), "-layout", pdf, text);
        if (exit != 0)
            throw new InvalidOperationException($"pdftotext failed on {pdf}: {output}");
        return await File.ReadAllTextAsync(text);
    }

    /// <summary>Renders the first page as PNG at <paramref name="dpi"/>; returns its path.</summary>
    public static async Task<string> FirstPagePngAsync(string pdf, string prefix, int dpi = 80)
    {
        var tool = Find("pdftoppm") ?? throw new InvalidOperationException("pdftoppm is not installed: apt-get install poppler-utils");
        var (exit, output) = await RunAsync(tool, TimeSpan.FromMinutes(1), "-png", "-r", dpi.ToString(), "-f", "1", "-l", "1", "-singlefile", pdf, prefix);
        if (exit != 0 || !File.Exists(prefix + ".png"))
            throw new InvalidOperationException($"pdftoppm failed on {pdf}: {output}");
        return prefix + ".png";
    }

    /// <summary>The number of pages, from pdfinfo.</summary>
    public static async Task<int> PageCountAsync(string pdf)
    {
        var tool = Find("pdfinfo") ?? throw new InvalidOperationException("pdfinfo is not installed: apt-get install poppler-utils");
        var (exit, output) = await RunAsync(tool, TimeSpan.FromMinutes(1), pdf);
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        if (exit != 0 || line is null)
            throw new InvalidOperationException($"pdfinfo failed on {pdf}: {output}");
        return int.Parse(line["Pages:".Length..].Trim());
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static async Task<(int Exit, string Output)> RunAsync(string file, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
