using System.CommandLine;
using Duban.Cli.Output;
using Google.Protobuf;
using Tasks = Duban.Contracts.Tasks.V1;

namespace Duban.Cli.Commands;

/// <summary>
/// 佐证材料 files: sent with `progress --file`, `confirm --file`, `explain --file` and `ack --file` (an urging's reply), listed by
/// `attachments`, fetched by `download`.
/// </summary>
public static class EvidenceCommands
{
    private const int PieceBytes = 64 * 1024;

    public static IEnumerable<Command> Build()
    {
        var id = new Argument<string>("assignment") { Description = "交办事项 ID" };
        var attachments = new Command("attachments", "列出交办事项的佐证材料文件（含本人尚未报送的上传）") { id }.With(async (context, parse, ct) =>
        {
            var response = await context.Tasks.ListAttachmentsAsync(new Tasks.ListAttachmentsRequest { AssignmentId = parse.GetValue(id)! }, context.Call(ct));
            if (context.Json)
            {
                context.WriteJson(response.Attachments);
                return 0;
            }
            var table = new Table("上传时间", "文件", "类型", "大小", "随", "ID");
            foreach (var f in response.Attachments)
                table.Add(f.UploadTime.ToDateTimeOffset().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm"), f.FileName, f.ContentType, Size(f.SizeBytes),
                    Record(f.RecordKind), f.Id);
            table.WriteTo(context.Output);
            return 0;
        });

        var attachment = new Argument<string>("attachment") { Description = "佐证材料文件 ID（duban attachments 列出）" };
        var output = new Option<string?>("--output", "-o") { Description = "保存为该文件（默认：当前目录下的原文件名）" };
        var download = new Command("download", "下载一份佐证材料文件") { attachment, output }.With(async (context, parse, ct) =>
        {
            using var call = context.Tasks.DownloadAttachment(new Tasks.DownloadAttachmentRequest { Id = parse.GetValue(attachment)! }, context.Call(ct, seconds: 3600));
            if (!await call.ResponseStream.MoveNext(ct))
                throw new CliException("服务未返回文件");
            var described = call.ResponseStream.Current.Attachment;
            var path = parse.GetValue(output) ?? Path.GetFileName(described.FileName);
            // Written beside the target and moved in place once whole: a broken download leaves no half file under the name.
            var partial = path + ".part";
            long written = 0;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, PieceBytes, useAsync: true))
            {
                do
                {
                    var data = call.ResponseStream.Current.Data;
                    await file.WriteAsync(data.Memory, ct);
                    written += data.Length;
                } while (await call.ResponseStream.MoveNext(ct));
            }
            File.Move(partial, path, overwrite: true);
            context.Output.WriteLine($"已保存 {path}（{Size(written)}，{described.ContentType}，SHA-256 {described.Sha256}）");
            return 0;
        });
        return [attachments, download];
    }

    /// <summary>Uploads each file for the assignment, streamed in pieces; returns their ids for the record that names them.</summary>
    public static async Task<IReadOnlyList<string>> UploadAsync(CliContext context, string assignmentId, IReadOnlyList<string> paths, CancellationToken ct)
    {
        foreach (var path in paths)
            if (!File.Exists(path))
                throw new CliException($"找不到文件：{path}");
        var ids = new List<string>();
        var buffer = new byte[PieceBytes];
        foreach (var path in paths)
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, PieceBytes, useAsync: true);
            using var call = context.Tasks.UploadAttachment(context.Call(ct, seconds: 3600));
            await call.RequestStream.WriteAsync(new Tasks.UploadAttachmentRequest
            {
                Metadata = new Tasks.AttachmentUpload { AssignmentId = assignmentId, FileName = Path.GetFileName(path), SizeBytes = file.Length },
            }, ct);
            int read;
            while ((read = await file.ReadAsync(buffer, ct)) > 0)
                await call.RequestStream.WriteAsync(new Tasks.UploadAttachmentRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) }, ct);
            await call.RequestStream.CompleteAsync();
            var stored = await call.ResponseAsync;
            if (!context.Json)
                context.Output.WriteLine($"已上传 {stored.FileName}（{Size(stored.SizeBytes)}，{stored.ContentType}）");
            ids.Add(stored.Id);
        }
        return ids;
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };

    private static string Record(Tasks.AttachmentRecordKind kind) => kind switch
    {
        Tasks.AttachmentRecordKind.ProgressReport => "进展报送",
        Tasks.AttachmentRecordKind.Completion => "确认办结",
        Tasks.AttachmentRecordKind.Explanation => "情况说明",
        Tasks.AttachmentRecordKind.UrgingReply => "催办回复",
        _ => "待报送（仅本人可见）",
    };
}
