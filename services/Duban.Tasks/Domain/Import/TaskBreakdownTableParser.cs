using System.Text.RegularExpressions;

namespace Duban.Tasks.Domain.Import;

/// <summary>
/// Reads a 任务分解表 saved as CSV or TSV (the delimiter is detected from the header line), or given as rows of cells (a sheet,
/// a Word table).
/// <list type="bullet">
/// <item>Headers: 序号, 目标 (optional level), 重点任务, 具体措施, 牵头单位, 配合单位, 责任人, 完成时限, with the variants offices use
///   (责任单位, 协同单位, 时间节点, 工作措施 …). Other columns are kept per row as attributes. Title rows above the header
///   (one text, in one cell or repeated across a merged row, and no known header) are passed over; the first that is not an
///   attachment label (附件1) becomes the plan title.</item>
/// <item>A blank 目标 or 重点任务 cell, or one repeating the text above next to a new measure (a filled-down merged cell),
///   continues the goal or key task above; the measure becomes another child of it.</item>
/// <item>A row's cells (units, owner, deadline, attributes) belong to the most specific item it states: the measure, or the key
///   task when the row has no measure. 序号 numbers the first item the row opens (merged 序号 cells number key tasks, whether
///   they are read blank below or, from a spreadsheet, repeated).</item>
/// <item>Every item without children is assignable and needs a 牵头单位 and a 完成时限, stated, carried by 下同/同上, or
///   inherited from its key task (see <see cref="ResponsibilityCarry"/>).</item>
/// <item>Rows are numbered as a spreadsheet numbers them: from the first line of the file (or the sheet's own row numbers),
///   blank rows counted.</item>
/// </list>
/// </summary>
public static partial class TaskBreakdownTableParser
{
    private enum Column { Number, Goal, KeyTask, Measure, Responsibility, Attribute }

    private sealed record ColumnSpec(int Index, string Header, Column Column, ResponsibilityField Field = default);

    private static readonly Dictionary<string, Column> StructuralColumns = new()
    {
        ["序号"] = Column.Number,
        ["编号"] = Column.Number,
        ["目标"] = Column.Goal,
        ["目标任务"] = Column.Goal,
        ["重点任务"] = Column.KeyTask,
        ["工作任务"] = Column.KeyTask,
        ["主要任务"] = Column.KeyTask,
        ["整改任务"] = Column.KeyTask,
        ["具体措施"] = Column.Measure,
        ["工作措施"] = Column.Measure,
        ["具体举措"] = Column.Measure,
        ["整改措施"] = Column.Measure,
    };

    /// <summary>More rows above the header than this are not titles: the header is missing.</summary>
    private const int MaxTitleRows = 5;

    public static ImportResult Parse(string text) => Parse(DelimitedTextReader.Read(text, DelimitedTextReader.DetectDelimiter(text)));

    /// <summary>A table given as rows of cells (a sheet, a Word table), read lazily: rows are numbered as their source numbers them.</summary>
    public static ImportResult Parse(IEnumerable<DelimitedRecord> records)
    {
        var problems = new List<ImportProblem>();
        using var rows = records.Where(record => !record.IsBlank || record.HasUnterminatedQuote).GetEnumerator();

        string? title = null;
        if (!rows.MoveNext()) return Failed(new ImportProblem(1, "", "文件为空，没有表头"));
        for (var titleRows = 0; titleRows < MaxTitleRows && IsTitleRow(rows.Current); titleRows++)
        {
            var text = TitleText(rows.Current);
            if (title is null && !IsAttachmentLabel(text)) title = text;
            if (!rows.MoveNext()) return Failed(new ImportProblem(1, "", "文件只有标题，没有表头"));
        }

        var header = rows.Current;
        var columns = ReadHeader(header, problems);
        if (columns is null) return new ImportResult { Problems = problems };

        var table = new TableTree(columns, problems);
        while (rows.MoveNext())
        {
            var row = rows.Current;
            if (row.HasUnterminatedQuote)
            {
                problems.Add(new ImportProblem(row.Row, "", "引号没有闭合，本行及其后的内容无法读取"));
                continue;
            }
            if (row.Fields.Count > header.Fields.Count && row.Fields.Skip(header.Fields.Count).Any(field => !string.IsNullOrWhiteSpace(field)))
            {
                problems.Add(new ImportProblem(row.Row, "", $"本行有{row.Fields.Count}列，多于表头的{header.Fields.Count}列，多出的内容未读取"));
            }
            table.AddRow(row);
        }

        if (table.Items.Count == 0)
        {
            problems.Add(new ImportProblem(header.Row, "", "表中没有任务"));
            return new ImportResult { Problems = Ordered(problems) };
        }

        var draft = new PlanDraft { Title = title, Items = table.Items };
        ReportUnassignableLeaves(draft, problems);
        return new ImportResult { Draft = draft, Problems = Ordered(problems) };
    }

    private static ImportResult Failed(ImportProblem problem) => new() { Problems = [problem] };

    private static List<ImportProblem> Ordered(List<ImportProblem> problems) => [.. problems.OrderBy(problem => problem.LineOrRow)];

    /// <summary>
    /// Whether the rows start, after blank and title rows, with what reads as a 任务分解表 header: a task column (重点任务,
    /// 具体措施 …) and a responsibility column (牵头单位, 完成时限 …). Decides whether a document's text is a table at all;
    /// <see cref="Parse(IEnumerable{DelimitedRecord})"/> then reports a header that lacks a required column.
    /// </summary>
    public static bool StartsWithHeader(IEnumerable<DelimitedRecord> records)
    {
        var candidate = records.Where(record => !record.IsBlank).SkipWhile((record, index) => index < MaxTitleRows && IsTitleRow(record))
            .FirstOrDefault();
        if (candidate is null) return false;
        var columns = candidate.Fields
            .Select(field => TryClassify(NormaliseHeader(field), out var column, out _) ? column : (Column?)null)
            .ToList();
        return columns.Any(column => column is Column.KeyTask or Column.Measure) && columns.Contains(Column.Responsibility);
    }

    /// <summary>One text above the header: in one cell, or in every cell of a merged row read as its value repeated.</summary>
    private static bool IsTitleRow(DelimitedRecord record) =>
        record.Fields.Where(field => !string.IsNullOrWhiteSpace(field)).Select(field => field.Trim()).Distinct().Count() == 1
        && !record.Fields.Any(field => TryClassify(NormaliseHeader(field), out _, out _));

    /// <summary>"附件1", "附表2：" — the label above a document's title, not the title.</summary>
    internal static bool IsAttachmentLabel(string text) => AttachmentLabel().IsMatch(text);

    private static string TitleText(DelimitedRecord record) => record.Fields.First(field => !string.IsNullOrWhiteSpace(field)).Trim();

    private static List<ColumnSpec>? ReadHeader(DelimitedRecord header, List<ImportProblem> problems)
    {
        var columns = new List<ColumnSpec>();
        var attributeNames = new HashSet<string>();
        for (var index = 0; index < header.Fields.Count; index++)
        {
            var written = header.Fields[index].Trim();
            if (!TryClassify(NormaliseHeader(written), out var column, out var field))
            {
                if (written.Length == 0) written = $"第{index + 1}列";
                // Two columns with the same header must both survive as attributes.
                var name = attributeNames.Add(written) ? written : $"{written}（第{index + 1}列）";
                attributeNames.Add(name);
                columns.Add(new ColumnSpec(index, name, Column.Attribute));
                continue;
            }

            var duplicate = columns.FirstOrDefault(spec => spec.Column == column && spec.Field == field);
            if (duplicate is not null)
            {
                problems.Add(new ImportProblem(header.Row, CanonicalName(column, field), $"“{written}”与“{duplicate.Header}”是同一列，只读取“{duplicate.Header}”"));
                continue;
            }
            columns.Add(new ColumnSpec(index, written, column, field));
        }

        var missing = new List<string>();
        if (!columns.Any(spec => spec.Column is Column.KeyTask or Column.Measure)) missing.Add("重点任务");
        if (!columns.Any(spec => spec is { Column: Column.Responsibility, Field: ResponsibilityField.LeadUnits })) missing.Add("牵头单位");
        if (!columns.Any(spec => spec is { Column: Column.Responsibility, Field: ResponsibilityField.Deadline })) missing.Add("完成时限");
        foreach (var name in missing)
        {
            var message = name == "重点任务" ? "缺少“重点任务”或“具体措施”列" : $"缺少“{name}”列";
            problems.Add(new ImportProblem(header.Row, name, message));
        }
        return missing.Count == 0 ? columns : null;
    }

    private static bool TryClassify(string header, out Column column, out ResponsibilityField field)
    {
        field = default;
        if (StructuralColumns.TryGetValue(header, out column)) return true;
        column = Column.Responsibility;
        return ResponsibilityFieldNames.TryParse(header, out field);
    }

    private static string CanonicalName(Column column, ResponsibilityField field) => column switch
    {
        Column.Number => "序号",
        Column.Goal => "目标",
        Column.KeyTask => "重点任务",
        Column.Measure => "具体措施",
        _ => ResponsibilityFieldNames.CanonicalName(field),
    };

    /// <summary>"* 完成\n时限（年月）" → "完成时限": headers carry required-markers, wrapped lines and explanations.</summary>
    private static string NormaliseHeader(string header) =>
        TrailingExplanation().Replace(RequiredMarkerOrSpace().Replace(header, ""), "");

    private static void ReportUnassignableLeaves(PlanDraft draft, List<ImportProblem> problems)
    {
        foreach (var leaf in draft.AllItems().Where(item => item.Children.Count == 0))
        {
            if (leaf.LeadUnits.Count == 0) problems.Add(new ImportProblem(leaf.LineOrRow, "牵头单位", $"“{leaf.PathLabel}”没有牵头单位"));
            if (string.IsNullOrWhiteSpace(leaf.DeadlineText)) problems.Add(new ImportProblem(leaf.LineOrRow, "完成时限", $"“{leaf.PathLabel}”没有完成时限"));
        }
    }

    /// <summary>Builds the goal / key task / measure tree row by row.</summary>
    private sealed class TableTree(List<ColumnSpec> columns, List<ImportProblem> problems)
    {
        private readonly List<DraftItem> _roots = [];
        private readonly ResponsibilityCarry _carry = new();
        private readonly bool _hasKeyTaskColumn = columns.Any(spec => spec.Column == Column.KeyTask);
        private DraftItem? _goal;
        private DraftItem? _keyTask;

        public IReadOnlyList<DraftItem> Items => _roots;

        public void AddRow(DelimitedRecord row)
        {
            var goalText = Cell(row, Column.Goal);
            var keyTaskText = Cell(row, Column.KeyTask);
            var measureText = Cell(row, Column.Measure);
            if (goalText is null && keyTaskText is null && measureText is null)
            {
                problems.Add(new ImportProblem(row.Row, _hasKeyTaskColumn ? "重点任务" : "具体措施", "本行既没有重点任务也没有具体措施"));
                return;
            }

            var number = Cell(row, Column.Number);
            var opened = new List<(DraftItem Item, DraftItem? Parent)>();
            DraftItem Open(DraftItemKind kind, DraftItem? parent, string itemText)
            {
                // A merged 序号 read as its value repeated numbers the item it was merged over, not what this row adds under it.
                if (parent is not null && number == parent.Numbering && !opened.Exists(o => o.Item == parent)) number = null;
                var item = Place(kind, parent, number, itemText, row.Row);
                number = null;
                opened.Add((item, parent));
                return item;
            }

            if (goalText is not null && !Continues(_goal, goalText, measureText ?? keyTaskText))
            {
                _goal = Open(DraftItemKind.Goal, null, goalText);
                _keyTask = null;
            }
            if (keyTaskText is not null && !Continues(_keyTask, keyTaskText, measureText))
            {
                _keyTask = Open(DraftItemKind.KeyTask, _goal, keyTaskText);
            }
            if (measureText is not null)
            {
                if (_hasKeyTaskColumn && _keyTask is null)
                {
                    problems.Add(new ImportProblem(row.Row, "重点任务", "具体措施之前没有重点任务"));
                    return;
                }
                Open(DraftItemKind.Measure, _hasKeyTaskColumn ? _keyTask : _goal, measureText);
            }

            foreach (var (group, parent) in opened.SkipLast(1)) _carry.ApplyToGroup(group, parent);
            var (rowItem, rowParent) = opened[^1];
            _carry.Apply(rowItem, rowParent, StatedResponsibility(row), problems);
            rowItem.Attributes = Attributes(row);
        }

        /// <summary>A blank cell, or the same text again beside something new, continues the item above.</summary>
        private static bool Continues(DraftItem? current, string text, string? deeperText) =>
            current is not null && text == current.Text && deeperText is not null;

        private DraftItem Place(DraftItemKind kind, DraftItem? parent, string? number, string text, int row)
        {
            var numbering = number ?? PathLabel.Position(parent?.Children ?? _roots);
            var item = new DraftItem { Kind = kind, Numbering = numbering, PathLabel = PathLabel.Of(parent, numbering), Text = text, LineOrRow = row };
            if (parent is null) _roots.Add(item);
            else parent.AddChild(item);
            return item;
        }

        private Dictionary<ResponsibilityField, string> StatedResponsibility(DelimitedRecord row) =>
            columns.Where(spec => spec.Column == Column.Responsibility)
                .Select(spec => (spec.Field, Value: ValueAt(row, spec.Index)))
                .Where(cell => cell.Value is not null)
                .ToDictionary(cell => cell.Field, cell => cell.Value!);

        private Dictionary<string, string> Attributes(DelimitedRecord row) =>
            columns.Where(spec => spec.Column == Column.Attribute)
                .Select(spec => (spec.Header, Value: ValueAt(row, spec.Index)))
                .Where(cell => cell.Value is not null)
                .ToDictionary(cell => cell.Header, cell => cell.Value!);

        private string? Cell(DelimitedRecord row, Column column)
        {
            var spec = columns.FirstOrDefault(spec => spec.Column == column);
            return spec is null ? null : ValueAt(row, spec.Index);
        }

        private static string? ValueAt(DelimitedRecord row, int index)
        {
            var value = index < row.Fields.Count ? row.Fields[index].Trim() : "";
            return value.Length == 0 ? null : value;
        }
    }

    [GeneratedRegex(@"[\s*＊]")]
    private static partial Regex RequiredMarkerOrSpace();

    [GeneratedRegex(@"^附[件表]\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?$")]
    private static partial Regex AttachmentLabel();

    [GeneratedRegex(@"[（(][^）)]*[）)]$")]
    private static partial Regex TrailingExplanation();
}
