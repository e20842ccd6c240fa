using Duban.OfficeFiles;
using Duban.Tasks.Data;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;

namespace Duban.Tasks.Exporting;

/// <summary>
/// The 台账 of assignments: one row per assignment a list with the same filters holds, with the columns an office
/// keeps. Read a page at a time, with the page's unit names, plans, items and latest reports asked for together, so an
/// export of a large scope never holds more than one page and a few names.
/// </summary>
public sealed class AssignmentLedger(TasksDb db, AssignmentQueries queries, UnitsDirectory units, TimeProvider time)
{
    public const int PageSize = 2000;

    /// <summary>Widths fit the Chinese text an office writes there; longer text wraps inside Excel's limit.</summary>
    public static readonly LedgerColumn[] Columns =
    [
        new("序号", LedgerCell.Number, 8), new("计划", LedgerCell.Text, 30), new("重点任务", LedgerCell.Text, 40), new("具体措施", LedgerCell.Text, 50),
        new("牵头单位", LedgerCell.Text, 24), new("配合单位", LedgerCell.Text, 30), new("责任人", LedgerCell.Text, 10),
        new("完成时限", LedgerCell.Text, 22), new("到期日", LedgerCell.Date, 12), new("状态", LedgerCell.Text, 10),
        new("进展(%)", LedgerCell.Number, 9), new("逾期天数", LedgerCell.Number, 10), new("最新情况", LedgerCell.Text, 50),
    ];

    public async IAsyncEnumerable<object?[]> RowsAsync(AssignmentFilter filter, IReadOnlySet<Guid>? readable,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var unitNames = new Dictionary<Guid, string>();
        var plans = new Dictionary<Guid, string>();
        var items = new Dictionary<Guid, (string Text, Guid? Parent)>();
        var number = 0;
        await foreach (var page in queries.AllPagesAsync(filter, readable, "filter.", PageSize, ct))
        {
            var unknownUnits = page.SelectMany(a => a.CoUnitIds.Append(a.LeadUnitId)).Where(id => !unitNames.ContainsKey(id)).Distinct().ToList();
            if (unknownUnits.Count > 0)
                foreach (var (id, unit) in await units.GetUnitsAsync(unknownUnits, ct))
                    unitNames[id] = unit.ShortName.Length > 0 ? unit.ShortName : unit.Name;
            var unknownPlans = page.Select(a => a.PlanId).Where(id => !plans.ContainsKey(id)).Distinct().ToList();
            foreach (var plan in await db.Plans.AsNoTracking().Where(p => unknownPlans.Contains(p.Id)).Select(p => new { p.Id, p.Title }).ToListAsync(ct))
                plans[plan.Id] = plan.Title;
            await LoadItemsAsync(page.Select(a => a.ItemId), items, ct);

            var ids = page.Select(a => a.Id).ToList();
            var latest = await db.History.AsNoTracking().Where(h => ids.Contains(h.AssignmentId) && h.Text != "")
                .GroupBy(h => h.AssignmentId)
                .Select(g => g.OrderByDescending(h => h.Id).Select(h => new { h.AssignmentId, h.Text }).First())
                .ToDictionaryAsync(h => h.AssignmentId, h => h.Text, ct);

            foreach (var a in page)
            {
                var (itemText, parent) = items.GetValueOrDefault(a.ItemId, ("", null));
                var keyTask = parent is { } p && items.TryGetValue(p, out var parentItem) ? parentItem.Text : itemText;
                int? daysOverdue = a.IsOverdueAt(now) ? DueTime.LocalDate(now, a.TimeZone).DayNumber - a.DueDate!.Value.DayNumber : null;
                yield return
                [
                    ++number, plans.GetValueOrDefault(a.PlanId, ""), keyTask, a.Title,
                    unitNames.GetValueOrDefault(a.LeadUnitId, a.LeadUnitId.ToString()),
                    string.Join("、", a.CoUnitIds.Select(id => unitNames.GetValueOrDefault(id, id.ToString()))),
                    string.IsNullOrWhiteSpace(a.OwnerName) ? "未明确" : a.OwnerName,
                    a.DeadlineText, a.DueDate, a.Status.Chinese(), a.ProgressPercent, daysOverdue,
                    latest.GetValueOrDefault(a.Id, "").ReplaceLineEndings(" "),
                ];
            }
        }
    }

    /// <summary>The items of a page and their parents (the key task a measure belongs to), those not yet known.</summary>
    private async Task LoadItemsAsync(IEnumerable<Guid> itemIds, Dictionary<Guid, (string Text, Guid? Parent)> items, CancellationToken ct)
    {
        var wanted = itemIds.Where(id => !items.ContainsKey(id)).Distinct().ToList();
        for (var round = 0; round < 2 && wanted.Count > 0; round++)
        {
            var found = await db.PlanItems.AsNoTracking().Where(i => wanted.Contains(i.Id)).Select(i => new { i.Id, i.Text, i.ParentId }).ToListAsync(ct);
            foreach (var item in found)
                items[item.Id] = (item.Text, item.ParentId);
            wanted = found.Where(i => i.ParentId is { } p && !items.ContainsKey(p)).Select(i => i.ParentId!.Value).Distinct().ToList();
        }
    }

    /// <summary>The CSV of the same rows: UTF-8 after a byte order mark, RFC 4180 quoting, dates as yyyy-mm-dd.</summary>
    public static string CsvLine(IReadOnlyList<object?> cells) =>
        string.Join(',', cells.Select(c => Quote(c switch
        {
            null => "",
            DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            string s when s.Length > 0 && s[0] is '=' or '+' or '-' or '@' => "'" + s,
            var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        }))) + "\r\n";

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
