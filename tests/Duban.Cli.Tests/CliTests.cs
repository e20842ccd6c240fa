using System.Text;
using System.Text.RegularExpressions;
using Duban.Cli.Output;
using Duban.Tasks.Domain.Import;
using MiniExcelLibs;
using Duban.Harness;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;

namespace Duban.Cli.Tests;

[Collection(CliFixture.Collection)]
public class CliTests(CliFixture cli) : IClassFixture<CliFixture>
{
    private static readonly string Office = CliFixture.Token(DubanRoles.Office);

    [Fact]
    public void Tables_line_up_Chinese_text_as_double_width()
    {
        var output = new StringWriter();
        new Table("单位", "逾期").Add("工业园区经济发展局", 3).Add("财政局", 12).Add("X市", 0).WriteTo(output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The second column starts at the same terminal cell on every line.
        var starts = lines.Where(l => !l.StartsWith('-')).Select(l => Table.Width(Regex.Match(l, @"^\S+\s+").Value)).Distinct().ToList();
        Assert.Single(starts);
        Assert.Equal(20, starts[0]);
        Assert.Equal(4, Table.Width("经发"));
        Assert.Equal(3, Table.Width("X市"));
    }

    [Fact]
    public async Task The_office_lists_units_and_imports_the_sample_plan()
    {
        var (exit, output, error) = await cli.RunAsync("units", "list", "--level", "department", "--token", Office);
        Assert.True(exit == 0, error);
        Assert.Contains("工业园区经济发展局", output);
        Assert.Contains("经发局", output);

        var csv = Path.Combine(cli.Samples, "implementation-plan.csv");
        (exit, output, error) = await cli.RunAsync("plan", "import", csv, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", "任务分解表", "--dry-run", "--token", Office);
        Assert.True(exit == 0, error + output);
        Assert.Contains("试导入：事项 25 项，交办 27 项，没有问题；未保存", output);

        (exit, output, error) = await cli.RunAsync("plan", "import", csv, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", "任务分解表", "--token", Office);
        Assert.True(exit == 0, error);
        Assert.Matches(@"已导入 .+：事项 25 项，交办 27 项（计划 [0-9a-f-]{36}）", output);
        var planId = Regex.Match(output, @"计划 ([0-9a-f-]{36})").Groups[1].Value;

        (exit, output, _) = await cli.RunAsync("plan", "show", planId, "--token", Office);
        Assert.Equal(0, exit);
        Assert.Contains("进度", output);
        Assert.Contains("推动港口转型升级", output);

        // The plan's 台账: the 27 assignments, one row each, as the list shows them.
        var ledger = Path.Combine(Path.GetTempPath(), $"台账-{planId}.xlsx");
        (exit, output, error) = await cli.RunAsync("assignments", "export", "--plan", planId, "-o", ledger, "--token", Office);
        Assert.True(exit == 0, error);
        Assert.Contains(ledger, output);
        var rows = MiniExcelLibs.MiniExcel.Query(ledger, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        File.Delete(ledger);
        Assert.Equal(27, rows.Count);
        Assert.Contains(rows, r => (string?)r["重点任务"] == "推动港口转型升级");
    }

    [Fact]
    public async Task Errors_are_one_line_with_the_fields_and_never_a_stack_trace()
    {
        var (exit, _, error) = await cli.RunAsync("plan", "import", Path.Combine(cli.Samples, "implementation-plan.csv"), "--issuer", "市财政局", "--token", Office);
        Assert.Equal(2, exit);
        Assert.Contains("未知单位“市财政局”；是否为：", error);

        var bad = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(bad, "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,任务,措施,不存在局,,,下个月看看\n");
        (exit, var output, error) = await cli.RunAsync("plan", "import", bad, "--issuer", "党工委", "--token", Office);
        Assert.Equal(1, exit);
        Assert.Contains("InvalidArgument", error);
        Assert.Contains("document.rows[2].牵头单位", error);
        Assert.Contains("document.rows[2].完成时限", error);
        Assert.DoesNotContain("   at ", error + output);

        (exit, _, error) = await cli.RunAsync("units", "list", "--token", "not-a-token");
        Assert.Equal(1, exit);
        Assert.Contains("Unauthenticated", error);
    }

    [Fact]
    public async Task Plan_import_sends_files_as_they_are_and_says_what_each_was_read_as()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(cli.Samples, "implementation-plan.csv"));
        var folder = Directory.CreateTempSubdirectory("duban-files-").FullName;
        try
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            var gbk = Path.Combine(folder, "任务分解表.csv");
            await File.WriteAllBytesAsync(gbk, Encoding.GetEncoding("GB18030").GetBytes(text));
            var tsv = Path.Combine(folder, "任务分解表.txt");
            var records = DelimitedTextReader.Read(text, ',').ToList();
            await File.WriteAllTextAsync(tsv, string.Join("\r\n", records.Select(r => string.Join('\t', r.Fields))), Encoding.Unicode);
            var xlsx = Path.Combine(folder, "任务分解表.xlsx");
            MiniExcel.SaveAs(xlsx, records.Select(r => r.Fields.Select((field, i) => (Key: ((char)('A' + i)).ToString(), field))
                .ToDictionary(cell => cell.Key, cell => (object)cell.field)), printHeader: false);

            foreach (var (file, readAs) in new[] { (gbk, "读取为 CSV（GB18030）"), (tsv, "读取为 TSV（UTF-16LE）"), (xlsx, "读取为 xlsx") })
            {
                var (exit, output, error) = await cli.RunAsync("plan", "import", file, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", "任务分解表",
                    "--dry-run", "--token", Office);
                Assert.True(exit == 0, error + output);
                var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal((readAs, "试导入：事项 25 项，交办 27 项，没有问题；未保存"), (lines[0], lines[^1]));
                // Between them, the items as a table: a header, a rule and one line per item (25).
                Assert.Equal(25 + 2, lines.Length - 2);
                Assert.StartsWith("编号", lines[1]);
            }

            var outline = await cli.RunAsync("plan", "import", Path.Combine(cli.Samples, "implementation-plan-outline.txt"), "--issuer", "党工委",
                "--issue-date", "2026-03-01", "--dry-run", "--token", Office);
            Assert.StartsWith("读取为 提纲（UTF-8）\n", outline.Output);

            // The request id is made from the file's bytes: the same GBK file imported twice is one plan.
            string[] import = ["plan", "import", gbk, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", $"任务分解表（GBK）{Guid.NewGuid():N}", "--token", Office];
            var first = await cli.RunAsync(import);
            var second = await cli.RunAsync(import);
            Assert.True(first.Exit == 0, first.Error);
            var planId = Regex.Match(first.Output, @"（计划 ([0-9a-f-]{36})）").Groups[1].Value;
            Assert.NotEmpty(planId);
            Assert.Contains($"（计划 {planId}）", second.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Token_prints_a_token_for_a_person_of_the_sample_that_the_services_accept()
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"duban-key-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(TestTokens.Key));
        try
        {
            var (exit, output, error) = await cli.RunAsync("token", "--as", "杨帆", "--key", keyFile);
            Assert.True(exit == 0, error);
            var token = output.Trim();
            Assert.DoesNotContain('\n', token);

            (exit, output, error) = await cli.RunAsync("mine", "--token", token);
            Assert.True(exit == 0, error);
            (exit, output, error) = await cli.RunAsync("whoami", "--token", token);
            Assert.True(exit == 0, error);
            Assert.Contains("杨帆  单位 工业园区财政局（财政局）  角色 lead", output);

            (exit, output, error) = await cli.RunAsync("token", "--person", "scheduler", "--roles", "scheduler", "--key", keyFile);
            Assert.True(exit == 0, error);
            (exit, output, error) = await cli.RunAsync("whoami", "--token", output.Trim());
            Assert.Contains("scheduler  单位 —  角色 scheduler", output);

            // A token of no unit: each command names its own way to say which unit.
            var scheduler = (await cli.RunAsync("token", "--person", "scheduler", "--roles", "scheduler", "--key", keyFile)).Output.Trim();
            (exit, _, error) = await cli.RunAsync("review", "run", "--token", scheduler);
            Assert.Equal((2, true), (exit, error.Contains("请用 --scope 指定")));
            (exit, _, error) = await cli.RunAsync("mine", "--token", scheduler);
            Assert.Equal((2, false), (exit, error.Contains("--unit")));

            (exit, _, error) = await cli.RunAsync("token", "--as", "杨帆", "--roles", "boss", "--key", keyFile);
            Assert.Equal(2, exit);
            Assert.Contains("未知角色“boss”", error);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Theory]
    [InlineData("plan", "shwo")]
    [InlineData("units", "list", "--levle", "department")]
    [InlineData("progress", "00000000-0000-0000-0000-000000000001", "eighty")]
    public async Task A_mistake_on_the_command_line_exits_2_with_one_line(params string[] args)
    {
        var (exit, output, error) = await cli.RunAsync([.. args, "--token", Office]);
        Assert.Equal(2, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("duban: ", lines[0]);
        Assert.DoesNotContain("   at ", error + output);
    }

    [Fact]
    public async Task A_lead_signs_in_accepts_reports_and_confirms_and_the_office_verifies()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,对接跑办,形成专门请示{Guid.NewGuid():N},财政局,,杨帆,2026年12月31日前\n");
        var (exit, output, error) = await cli.RunAsync("plan", "import", csv, "--issuer", "党工委", "--issue-date", "2026-03-01", "--title", "对接跑办", "--token", Office);
        Assert.True(exit == 0, error + output);

        // A lead's token, saved by `duban login` for the commands that follow.
        (exit, output, error) = await cli.RunAsync("units", "show", "财政局", "--token", Office);
        Assert.Contains("杨帆", output);
        var financeId = (await cli.RunAsync("units", "list", "--name", "财政局", "--json", "--token", Office)).Output;
        var unitId = Regex.Match(financeId, "\"id\": \"([0-9a-f-]{36})\"[^}]*\"shortName\": \"财政局\"", RegexOptions.Singleline).Groups[1].Value;
        (exit, _, error) = await cli.RunAsync("login", "--with-token", CliFixture.Token(DubanRoles.Lead, unitId));
        Assert.True(exit == 0, error);

        (exit, output, error) = await cli.RunAsync("mine");
        Assert.True(exit == 0, error);
        var id = Regex.Match(output, @"([0-9a-f]{8}-[0-9a-f-]{27})\s*$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(id);

        Assert.Equal(0, (await cli.RunAsync("accept", id)).Exit);
        (exit, output, _) = await cli.RunAsync("progress", id, "60", "--note", "请示已起草");
        Assert.Contains("推进中，进度 60%", output);
        (exit, output, error) = await cli.RunAsync("confirm", id, "--evidence", "请示已报省财政厅", "--link", "https://park.example.cn/files/42");
        Assert.True(exit == 0, error);
        Assert.Contains("待核验", output);
        (exit, _, error) = await cli.RunAsync("verify", id);
        Assert.Equal(1, exit);
        Assert.Contains("PermissionDenied", error);

        (exit, output, error) = await cli.RunAsync("verify", id, "--token", Office);
        Assert.True(exit == 0, error);
        Assert.Contains("已办结，进度 100%", output);
        (_, output, _) = await cli.RunAsync("show", id);
        Assert.Contains("核验办结", output);
        Assert.DoesNotContain("COMPLETION_VERIFIED", output);
        Assert.Matches(@"佐证材料:\s+\d{4}-\d\d-\d\d  确认办结  https://park.example.cn/files/42", output);
    }

    [Fact]
    public async Task A_scheduler_triggers_the_weekly_review_twice_and_both_succeed_with_one_review()
    {
        var scheduler = CliFixture.Token(DubanRoles.Scheduler);
        var first = await cli.RunAsync("review", "run", "--week", "current", "--scope", "党工委", "--token", scheduler);
        var second = await cli.RunAsync("review", "run", "--week", "current", "--scope", "党工委", "--token", scheduler);
        Assert.True(first.Exit == 0, first.Error);
        Assert.True(second.Exit == 0, second.Error);
        var id = Regex.Match(first.Output, @"（周调度 ([0-9a-f-]{36})）").Groups[1].Value;
        Assert.Contains(id, second.Output);

        var (exit, output, _) = await cli.RunAsync("review", "export", id, "--format", "markdown", "--token", Office);
        Assert.Equal(0, exit);
        Assert.Contains("通报", output);
        var file = Path.Combine(Path.GetTempPath(), $"通报-{id}.csv");
        (exit, output, _) = await cli.RunAsync("review", "export", id, "--format", "csv", "-o", file, "--token", Office);
        Assert.Equal(0, exit);
        Assert.Contains(file, output);
        // One table per file, each with a byte order mark, so that Chinese Excel does not read the UTF-8 as GBK.
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var csv = System.Text.Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("单位,交办,按时完成", csv);
        Assert.Contains("合计,", csv);
        Assert.DoesNotContain("类别,单位,任务,责任人", csv);
        (exit, _, _) = await cli.RunAsync("review", "export", id, "--format", "csv", "--table", "items", "-o", file, "--token", Office);
        Assert.Equal(0, exit);
        csv = await File.ReadAllTextAsync(file);
        File.Delete(file);
        Assert.StartsWith("类别,单位,任务,责任人", csv);
        Assert.DoesNotContain("合计,", csv);
        // The Word 通报 goes to a file only, and opens as a document with the bulletin's title.
        var docx = Path.Combine(Path.GetTempPath(), $"通报-{id}.docx");
        (exit, output, _) = await cli.RunAsync("review", "export", id, "--format", "docx", "-o", docx, "--token", Office);
        Assert.Equal(0, exit);
        using (var document = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(docx, false))
            Assert.Contains("重点任务推进情况的通报", document.MainDocumentPart!.Document!.Body!.InnerText);
        File.Delete(docx);
        var xlsx = Path.Combine(Path.GetTempPath(), $"台账-{id}.xlsx");
        (exit, output, _) = await cli.RunAsync("review", "export", id, "--format", "xlsx", "--assess", "2026", "-o", xlsx, "--token", Office);
        Assert.Equal(0, exit);
        Assert.Equal(["各单位", "本周新增逾期", "持续逾期", "本周完成", "下周到期", "需作出说明的单位", "考核2026"], MiniExcelLibs.MiniExcel.GetSheetNames(xlsx));
        File.Delete(xlsx);
        var refused = await cli.RunAsync("review", "export", id, "--format", "docx", "--token", Office);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("-o", refused.Error);
        var bad = await cli.RunAsync("review", "run", "--week", "2026-W99", "--scope", "党工委", "--token", scheduler);
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("week", bad.Error);
    }

    [Fact]
    public async Task The_office_imports_units_and_people_from_a_file_and_importing_again_adds_nothing()
    {
        var code = "park-swj-" + Guid.NewGuid().ToString("N")[..4];
        var file = Path.Combine(Path.GetTempPath(), $"units-{code}.json");
        await File.WriteAllTextAsync(file, $$"""
            {
              "units": [
                { "code": "{{code}}", "name": "工业园区商务局{{code}}", "shortName": "商务局{{code}}", "level": "department", "parent": "park", "kind": "部门" },
                { "code": "{{code}}-zb", "name": "商务局招商专班{{code}}", "level": "working_group", "parent": "{{code}}", "kind": "专班" }
              ],
              "people": [ { "name": "商务局长{{code}}", "roles": [ { "unit": "{{code}}", "role": "lead", "title": "局长" } ], "oversees": [ "{{code}}-zb" ] } ],
              "collectives": [
                { "name": "招商各单位{{code}}", "aliases": ["招商单位{{code}}"], "scope": "park",
                  "members": [ { "unit": "{{code}}" }, { "childrenOf": "{{code}}", "kind": "专班" }, { "collective": "一市三园" } ] }
              ]
            }
            """);
        var (exit, output, error) = await cli.RunAsync("units", "import", file, "--token", Office);
        Assert.True(exit == 0, error);
        Assert.Contains("已导入单位 2 个（共 2 个）、人员 1 名（共 1 名），其余已存在；为 1 人设置分管关系", output);
        Assert.Contains("已导入集体名称 1 个（共 1 个），其余已存在", output);
        (exit, output, error) = await cli.RunAsync("units", "import", file, "--token", Office);
        Assert.True(exit == 0, error);
        Assert.Contains("已导入单位 0 个（共 2 个）、人员 0 名（共 1 名），其余已存在；为 0 人设置分管关系", output);
        Assert.Contains("已导入集体名称 0 个（共 1 个），其余已存在", output);
        // A collective is no unit to act on: the command line says what it stands for.
        (exit, _, error) = await cli.RunAsync("units", "show", $"招商各单位{code}", "--token", Office);
        Assert.Equal(2, exit);
        Assert.Contains($"是集体名称，包括：工业园区商务局{code}、商务局招商专班{code}、X市、临港化工园区", error);
        (_, output, _) = await cli.RunAsync("units", "show", $"{code}-zb", "--token", Office);
        Assert.Contains($"分管领导: 商务局长{code}", output);

        // The file the units service was seeded from (as in the local run) imports again without a complaint.
        var seed = Path.Combine(RepoPaths.Find().Root, "services", "Duban.Units", "Seed", "sample-units.json");
        (exit, output, error) = await cli.RunAsync("units", "import", seed, "--token", Office);
        Assert.True(exit == 0, error);
        Assert.Matches(@"已导入单位 0 个（共 \d+ 个）、人员 0 名（共 \d+ 名）", output);
        Assert.Matches(@"已导入集体名称 0 个（共 5 个）", output);

        (exit, output, _) = await cli.RunAsync("units", "tree", code, "--token", Office);
        Assert.Equal(0, exit);
        Assert.Contains($"商务局招商专班{code}", output);
        (_, output, _) = await cli.RunAsync("units", "list", "--name", code, "--token", Office);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains(code)));
        (_, output, _) = await cli.RunAsync("units", "show", code, "--token", Office);
        Assert.Contains($"商务局长{code}", output);

        // Nothing to create is nothing to refuse; a lead who would create a unit is refused.
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace(code, code + "x"));
        (exit, _, error) = await cli.RunAsync("units", "import", file, "--token", CliFixture.Token(DubanRoles.Lead));
        Assert.Equal(1, exit);
        Assert.Contains("PermissionDenied", error);
    }
}
