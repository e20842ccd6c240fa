using System.CommandLine;
using Duban.Cli.Output;
using Grpc.Core;
using Supervision = Duban.Contracts.Supervision.V1;

namespace Duban.Cli.Commands;

/// <summary>
/// `duban review run|show|export|revisions` and `duban assess`. `review run` is what a cron job calls: it exits 0
/// when a revision was stored and also when the latest one still held (nothing changed, or a past week already
/// frozen), and non-zero with a one-line reason otherwise.
/// </summary>
public static class ReviewCommands
{
    public static IEnumerable<Command> Build()
    {
        var week = new Option<string>("--week") { Description = "ISO 周，如 2026-W47，或 current（本周）", DefaultValueFactory = _ => "current" };
        var scope = new Option<string?>("--scope") { Description = "调度范围，含其下级单位（名称或 ID；默认：令牌所属单位）" };
        var run = new Command("run", "执行周调度：数据有变化即生成新版本；以往各周定稿后不再变动") { week, scope }.With(async (context, parse, ct) =>
        {
            var scopeId = parse.GetValue(scope) is { } s ? await Lookup.UnitIdAsync(context, s, ct) : Lookup.TokenUnit(context, "--scope");
            var review = await context.Supervision.RunWeeklyReviewAsync(new Supervision.RunWeeklyReviewRequest { ScopeUnitId = scopeId, Week = parse.GetValue(week)! },
                context.Call(ct, 300));
            if (context.Json)
                context.WriteJson(review);
            else
                context.Output.WriteLine($"周调度 {review.Week} 第 {review.Revision} 版{(review.Final ? "（终版）" : "")}，数据截至 {AsOf(review)}：" +
                    $"交办 {review.Assigned} 项，逾期 {review.Overdue} 项，按时完成 {review.CompletedOnTime} 项（周调度 {review.Id}）");
            return 0;
        });

        var listWeek = new Option<string>("--week") { Description = "ISO 周，如 2026-W47，或 current（本周）", DefaultValueFactory = _ => "current" };
        var listScope = new Option<string?>("--scope") { Description = "调度范围（名称或 ID；默认：令牌所属单位）" };
        var revisions = new Command("revisions", "列出该周调度已保存的各版本，最新的在前") { listWeek, listScope }.With(async (context, parse, ct) =>
        {
            var scopeId = parse.GetValue(listScope) is { } s ? await Lookup.UnitIdAsync(context, s, ct) : Lookup.TokenUnit(context, "--scope");
            var weekText = parse.GetValue(listWeek)!;
            if (weekText == "current")
            {
                var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
                weekText = $"{System.Globalization.ISOWeek.GetYear(today.ToDateTime(TimeOnly.MinValue)):D4}-W{System.Globalization.ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue)):D2}";
            }
            var list = await context.Supervision.ListWeeklyReviewsAsync(new Supervision.ListWeeklyReviewsRequest { ScopeUnitId = scopeId, Week = weekText, PageSize = 100 },
                context.Call(ct));
            if (context.Json)
            {
                context.WriteJson(list.Reviews);
                return 0;
            }
            var table = new Table("周", "版本", "数据截至", "交办", "逾期", "按时完成", "ID");
            foreach (var r in list.Reviews)
                table.Add(r.Week, r.Final ? $"{r.Revision}（终版）" : r.Revision.ToString(), AsOf(r), r.Assigned, r.Overdue, r.CompletedOnTime, r.Id);
            table.WriteTo(context.Output);
            return 0;
        });

        var id = new Argument<string>("review") { Description = "周调度 ID" };
        var format = new Option<string>("--format") { Description = "格式：markdown、csv、json、docx（公文格式的 Word 通报）或 xlsx（台账工作簿）；docx、xlsx 须与 -o 同用", DefaultValueFactory = _ => "markdown" };
        var assessPeriod = new Option<string?>("--assess") { Description = "与 xlsx 同用：加一张该考核期的考核表，如 2026-Q4" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "写入此文件，不在终端显示" };
        var csvTable = new Option<string?>("--table") { Description = "CSV 每个文件一张表：units（各单位，默认）或 items（任务清单）" };
        var export = new Command("export", "将周调度导出为通报") { id, format, output, csvTable, assessPeriod }.With(async (context, parse, ct) =>
        {
            var table = parse.GetValue(csvTable)?.ToLowerInvariant() switch
            {
                null => Supervision.BulletinTable.Unspecified,
                "units" => Supervision.BulletinTable.Units,
                "items" => Supervision.BulletinTable.Items,
                var other => throw new CliException($"--table：“{other}”不是 units 或 items"),
            };
            var bulletinFormat = parse.GetValue(format)!.ToLowerInvariant() switch
            {
                "markdown" or "md" => Supervision.BulletinFormat.Markdown,
                "csv" => Supervision.BulletinFormat.Csv,
                "json" => Supervision.BulletinFormat.Json,
                "docx" => Supervision.BulletinFormat.Docx,
                "xlsx" => Supervision.BulletinFormat.Xlsx,
                var other => throw new CliException($"--format：“{other}”不是 markdown、csv、json、docx 或 xlsx"),
            };
            if (bulletinFormat is Supervision.BulletinFormat.Docx or Supervision.BulletinFormat.Xlsx && parse.GetValue(output) is null)
                throw new CliException($"--format {parse.GetValue(format)}：Office 文件须写入文件，请加 -o 文件名.{parse.GetValue(format)!.ToLowerInvariant()}");
            // Streamed: the CSV or JSON of every item of a large review runs to tens of megabytes.
            using var call = context.Supervision.StreamBulletin(new Supervision.ExportBulletinRequest { ReviewId = parse.GetValue(id)!, Format = bulletinFormat, Table = table, AssessmentPeriod = parse.GetValue(assessPeriod) ?? "" }, context.Call(ct));
            if (parse.GetValue(output) is { } file)
            {
                await using (var stream = file.Create())
                {
                    await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
                        await stream.WriteAsync(chunk.Data.Memory, ct);
                }
                context.Output.WriteLine($"已写入 {file.FullName}");
            }
            else
            {
                // A character may be split between two pieces: the decoder keeps its first bytes for the next one.
                var decoder = System.Text.Encoding.UTF8.GetDecoder();
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
                {
                    var chars = new char[decoder.GetCharCount(chunk.Data.Span, flush: false)];
                    decoder.GetChars(chunk.Data.Span, chars, flush: false);
                    context.Output.Write(chars);
                }
            }
            return 0;
        });

        var show = new Command("show", "在终端显示周调度通报") { id }.With(async (context, parse, ct) =>
        {
            var bulletin = await context.Supervision.ExportBulletinAsync(new Supervision.ExportBulletinRequest { ReviewId = parse.GetValue(id)!, Format = Supervision.BulletinFormat.Markdown }, context.Call(ct));
            context.Output.Write(bulletin.Content);
            return 0;
        });

        var period = new Option<string>("--period") { Description = "考核期：2026-Q4、2026-H2 或 2026", Required = true };
        var assessScope = new Option<string?>("--scope") { Description = "考核范围（名称或 ID；默认：令牌所属单位）" };
        var assess = new Command("assess", "考核：对范围内各单位按考核期评分、评定等次") { assessScope, period }.With(async (context, parse, ct) =>
        {
            var scopeId = parse.GetValue(assessScope) is { } s ? await Lookup.UnitIdAsync(context, s, ct) : Lookup.TokenUnit(context, "--scope");
            var assessment = await context.Supervision.AssessUnitsAsync(new Supervision.AssessUnitsRequest { ScopeUnitId = scopeId, Period = parse.GetValue(period)! }, context.Call(ct, 300));
            if (context.Json)
            {
                context.WriteJson(assessment);
                return 0;
            }
            var table = new Table("单位", "应完成", "按时", "逾期完成", "逾期未完成", "逾期天数", "未说明", "退办", "催办", "得分", "等次");
            foreach (var u in assessment.Units)
                table.Add(u.UnitName, u.Due, u.CompletedOnTime, u.CompletedLate, u.OpenOverdue, u.DaysOverdue, u.OverdueWithoutExplanation,
                    u.RejectedCompletions, u.Urgings, u.Score.ToString("0.0"), $"{u.Grade}（{u.GradeLetter}）");
            table.WriteTo(context.Output);
            return 0;
        });
        return [new Command("review", "周调度和通报") { run, show, export, revisions }, assess];
    }

    /// <summary>The as-of instant in Asia/Shanghai, the zone reviews are drawn in.</summary>
    private static string AsOf(Supervision.WeeklyReview review) =>
        TimeZoneInfo.ConvertTime(review.AsOf.ToDateTimeOffset(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm");
}
