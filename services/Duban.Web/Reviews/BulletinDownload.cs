using Duban.Web.Backends;
using Supervision = Duban.Contracts.Supervision.V1;

namespace Duban.Web.Reviews;

/// <summary>下载通报: a review's bulletin in each format supervision writes, streamed through as it comes.</summary>
public static class BulletinDownload
{
    public static readonly IReadOnlyList<(string Key, string Label, Supervision.BulletinFormat Format)> Formats =
    [
        ("docx", "Word（公文格式）", Supervision.BulletinFormat.Docx),
        ("xlsx", "Excel 台账", Supervision.BulletinFormat.Xlsx),
        ("md", "Markdown", Supervision.BulletinFormat.Markdown),
        ("csv", "CSV", Supervision.BulletinFormat.Csv),
        ("json", "JSON", Supervision.BulletinFormat.Json),
    ];

    public static void MapBulletinDownload(this WebApplication app)
    {
        app.MapGet("/reviews/{id}/bulletin", async (string id, string? format, HttpContext http, Supervision.SupervisionService.SupervisionServiceClient supervision) =>
        {
            var chosen = Formats.FirstOrDefault(f => f.Key == format);
            if (chosen.Key is null)
                return Results.BadRequest($"没有“{format}”这种格式（可选：{string.Join("、", Formats.Select(f => f.Key))}）");
            using var call = supervision.StreamBulletin(new Supervision.ExportBulletinRequest { ReviewId = id, Format = chosen.Format },
                cancellationToken: http.RequestAborted);
            return await StreamedFile.SendAsync(http, call, piece => (piece.ContentType, piece.FileName, piece.Data), "通报");
        });
    }
}
