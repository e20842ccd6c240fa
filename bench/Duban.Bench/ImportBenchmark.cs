using System.Diagnostics;
using Npgsql;

namespace Duban.Bench;

/// <summary>
/// One ImportPlan call per size (a generated 任务分解表 of that many measures) against its ceiling measured in
/// the same run: PostgreSQL taking the very rows the import stored by binary COPY, with nothing else to do.
/// </summary>
/// <remarks>
/// The ceiling copies the stored rows out (untimed) and COPYs them, byte for byte, into a second database
/// migrated by the tasks service itself — the same tables, indexes, foreign keys and feed trigger — in one
/// transaction, as the import does: the plan row, then plan_items, assignments, assignment_history and
/// task_events. It leaves out only what the service adds around the same COPY (parsing, deadline reading,
/// name resolution, encoding rows), so the ratio is the service's overhead over PostgreSQL's own cost.
/// </remarks>
public static class ImportBenchmark
{
    private static readonly string[] Tables = ["plans", "plan_items", "assignments", "assignment_history", "task_events"];

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = (TasksSetup.Option(args, "--items") ?? "10000,100000").Split(',').Select(int.Parse).ToArray();

        await using var env = await BenchEnvironment.StartAsync();
        var setup = await TasksSetup.StartAsync(env);
        var ceiling = await env.MigrateDatabaseAsync("Duban.Tasks", "Tasks", "bench_tasks_ceiling", TasksSetup.TasksSettings);

        // Untimed: the first import pays for JIT and the first connections on both sides; the first .xlsx, for the JIT of
        // the workbook readers (MiniExcel, OpenXml), which a running service pays once.
        var warmup = await setup.ImportAsync("预热", 500, seed: 1);
        await CopyCeilingAsync(setup.TasksConnectionString, ceiling, warmup.Id);
        var warmupSheet = setup.ImportRequest("预热（xlsx）", "");
        warmupSheet.Document = Google.Protobuf.ByteString.CopyFrom(SheetOf(setup.GenerateTable(500, seed: 2).Table));
        warmupSheet.FileName = "预热.xlsx";
        await setup.Office.ImportPlanAsync(warmupSheet, deadline: DateTime.UtcNow.AddMinutes(2));

        var results = new List<(int Items, int PlanItems, double Seconds, long Rows, double CeilingSeconds, string Cpu)>();
        var sheets = new List<(int Items, double MegaBytes, double Seconds, double CsvSeconds, string Cpu, ResidentMemory Before, ResidentMemory After)>();
        foreach (var size in sizes)
        {
            var (table, items) = setup.GenerateTable(size, seed: size);
            var request = setup.ImportRequest($"任务分解表（{size:N0} 项）", table);
            Console.WriteLine($"importing {size:N0} measures ({table.Length / 1024.0 / 1024.0:0.0} M characters of CSV) ...");
            var cpu = CpuUsage.Take(env);
            var started = Stopwatch.GetTimestamp();
            var response = await setup.Office.ImportPlanAsync(request, deadline: DateTime.UtcNow.AddMinutes(10));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpuUsed = CpuUsage.Take(env).Since(cpu, 1, "s", 1000);
            TasksSetup.Expect(response.Plan.AssignmentCount == size && response.Plan.ItemCount == items,
                $"the plan stored {size} assignments and {items} items (got {response.Plan.AssignmentCount} and {response.Plan.ItemCount})");

            var (rows, ceilingSeconds) = await CopyCeilingAsync(setup.TasksConnectionString, ceiling, response.Plan.Id);
            TasksSetup.Expect(rows == 1 + items + 3L * size, $"the ceiling copied the plan's {1 + items + 3L * size} rows (got {rows})");
            results.Add((size, items, seconds, rows, ceilingSeconds, cpuUsed));

            // The same table as the office's .xlsx, sent as the file itself.
            var sheet = SheetOf(table);
            var document = setup.ImportRequest($"任务分解表（{size:N0} 项，xlsx）", "");
            document.Document = Google.Protobuf.ByteString.CopyFrom(sheet);
            document.FileName = "任务分解表.xlsx";
            Console.WriteLine($"importing {size:N0} measures as .xlsx ({sheet.Length / 1024.0 / 1024.0:0.0} MB) ...");
            var memoryBefore = ResidentMemory.Take(env)["tasks"];
            cpu = CpuUsage.Take(env);
            started = Stopwatch.GetTimestamp();
            var fromSheet = await setup.Office.ImportPlanAsync(document, deadline: DateTime.UtcNow.AddMinutes(10));
            var sheetSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            cpuUsed = CpuUsage.Take(env).Since(cpu, 1, "s", 1000);
            var memoryAfter = ResidentMemory.Take(env)["tasks"];
            TasksSetup.Expect(fromSheet.DetectedFormat == "xlsx" && fromSheet.Plan.AssignmentCount == size && fromSheet.Plan.ItemCount == items,
                $"the .xlsx plan stored {size} assignments and {items} items (got {fromSheet.DetectedFormat}: {fromSheet.Plan?.AssignmentCount} and {fromSheet.Plan?.ItemCount})");
            sheets.Add((size, sheet.Length / 1024.0 / 1024.0, sheetSeconds, seconds, cpuUsed, memoryBefore, memoryAfter));
        }

        Console.WriteLine();
        Console.WriteLine("ImportPlan (one gRPC call, 任务分解表 CSV) beside binary COPY of the same rows into the same schema:");
        Console.WriteLine("  measures  plan items   import s    items/s   |  COPY rows   COPY s      rows/s   |  import ÷ COPY   target");
        foreach (var r in results)
        {
            var target = r.Items <= 10_000 ? 1.0 : r.Items / 10_000.0;
            Console.WriteLine($"  {r.Items,8:N0}  {r.PlanItems,10:N0}   {r.Seconds,8:0.000}  {r.Items / r.Seconds,9:N0}   |  {r.Rows,9:N0}  {r.CeilingSeconds,7:0.000}  {r.Rows / r.CeilingSeconds,10:N0}   |  {r.Seconds / r.CeilingSeconds,9:0.0}×      < {target:0} s {(r.Seconds < target ? "met" : "MISSED")}");
        }
        foreach (var r in results)
            Console.WriteLine($"  CPU during the {r.Items:N0} import: {r.Cpu}");
        Console.WriteLine("  (items/s counts measures, i.e. assignments; COPY rows = the plan + plan items + 3 rows per assignment: itself, its history entry, its feed event)");
        Console.WriteLine();
        Console.WriteLine("The same tables as .xlsx files (document bytes), beside the CSV import of the same rows:");
        Console.WriteLine("  measures   file MB   import s   CSV s   xlsx ÷ CSV   target      tasks RSS before → after, peak before → after");
        foreach (var s in sheets)
            Console.WriteLine($"  {s.Items,8:N0}   {s.MegaBytes,7:0.0}   {s.Seconds,8:0.000}  {s.CsvSeconds,6:0.000}   {s.Seconds / s.CsvSeconds,9:0.00}×   ≤ 1.5× {(s.Seconds <= 1.5 * s.CsvSeconds ? "met" : "MISSED")}"
                + $"   {s.Before.Megabytes:0} → {s.After.Megabytes:0} MB, {s.Before.PeakMegabytes:0} → {s.After.PeakMegabytes:0} MB");
        foreach (var s in sheets)
            Console.WriteLine($"  CPU during the {s.Items:N0} .xlsx import: {s.Cpu}");
        return 0;
    }

    /// <summary>The generated CSV as one sheet, the header in the first row, as MiniExcel writes it.</summary>
    private static byte[] SheetOf(string table)
    {
        var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(',').Select((cell, i) => (Column: ((char)('A' + i)).ToString(), Value: (object)cell.Trim('"')))
                .ToDictionary(c => c.Column, c => c.Value));
        using var stream = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(stream, rows, printHeader: false);
        return stream.ToArray();
    }

    /// <summary>Copies the plan's stored rows out, then times COPYing them into the ceiling database in one transaction.</summary>
    private static async Task<(long Rows, double Seconds)> CopyCeilingAsync(string source, string target, string planId)
    {
        var columns = new Dictionary<string, string>();
        var data = new Dictionary<string, byte[]>();
        await using (var from = new NpgsqlConnection(source))
        {
            await from.OpenAsync();
            foreach (var table in Tables)
            {
                // The columns the import writes; identity and xid columns are generated by the target as they are by the import.
                await using var list = new NpgsqlCommand("""
                    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = $1 AND is_identity = 'NO' AND column_default IS NULL
                    """, from) { Parameters = { new() { Value = table } } };
                columns[table] = (string)(await list.ExecuteScalarAsync())!;
                var owner = table switch
                {
                    "plans" => "t.id",
                    "plan_items" or "assignments" => "t.plan_id",
                    _ => "(SELECT a.plan_id FROM assignments a WHERE a.id = t.assignment_id)",
                };
                var select = $"SELECT {string.Join(", ", columns[table].Split(", ").Select(c => "t." + c))} FROM {table} t WHERE {owner} = '{planId}'"
                    + (table is "assignment_history" or "task_events" ? $" ORDER BY t.{(table == "task_events" ? "sequence" : "id")}" : "");
                await using var stream = await from.BeginRawBinaryCopyAsync($"COPY ({select}) TO STDOUT (FORMAT BINARY)");
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer);
                data[table] = buffer.ToArray();
            }
        }

        await using var to = new NpgsqlConnection(target);
        await to.OpenAsync();
        var started = Stopwatch.GetTimestamp();
        await using var transaction = await to.BeginTransactionAsync();
        foreach (var table in Tables)
        {
            await using var stream = await to.BeginRawBinaryCopyAsync($"COPY {table} ({columns[table]}) FROM STDIN (FORMAT BINARY)");
            await stream.WriteAsync(data[table]);
        }
        await transaction.CommitAsync();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // Counted where they landed, so a short COPY cannot pass for a fast one.
        await using var count = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM plans WHERE id = $1) + (SELECT count(*) FROM plan_items WHERE plan_id = $1)
                 + (SELECT count(*) FROM assignments WHERE plan_id = $1)
                 + (SELECT count(*) FROM assignment_history h JOIN assignments a ON a.id = h.assignment_id WHERE a.plan_id = $1)
                 + (SELECT count(*) FROM task_events e JOIN assignments a ON a.id = e.assignment_id WHERE a.plan_id = $1)
            """, to) { Parameters = { new() { Value = Guid.Parse(planId) } } };
        var rows = (long)(await count.ExecuteScalarAsync())!;
        return (rows, seconds);
    }
}
