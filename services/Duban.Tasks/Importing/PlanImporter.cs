using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Memory;
using Duban.Tasks.Data;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Domain.Import;
using Duban.Tasks.Domain.Import.Documents;
using Microsoft.EntityFrameworkCore;
using Plan = Duban.Tasks.Domain.Plan;
using UnitsDirectory = Duban.Units.Client.UnitsDirectory;

namespace Duban.Tasks.Importing;

public enum ImportForm
{
    Table,
    Outline,
    Structure,
    /// <summary>A file's bytes: its kind and encoding are read from them.</summary>
    Document,
}

/// <param name="RequestHash">SHA-256 of the request as sent, apart from dry_run: a repeated request id must carry the same.</param>
public sealed record ImportRequest(string Title, string IssuingUnitId, DateOnly? IssueDate, string TimeZone, ImportForm Form, string Text,
    PlanDraft? Structure, ImportDocument? Document, bool DryRun, string Source, string RequestId, string RequestHash);

/// <summary>A unit, or a collective (<see cref="CollectiveId"/> set, <see cref="UnitId"/> empty), whose name resembles an unknown one.</summary>
public sealed record UnitSuggestion(Guid UnitId, string Name, double Score, Guid CollectiveId = default);

/// <summary>A problem (stops the import) or a warning (does not), at a row or line of the document.</summary>
public sealed record ImportIssue(int Line, string Field, string Message, IReadOnlyList<UnitSuggestion> Suggestions);

public sealed record ResolvedUnit(string Name, Guid UnitId, string UnitName);

/// <param name="Drafts">Each item's draft, by item id: what the document states for it and where inherited values came from.</param>
public sealed record ImportOutcome(Plan? Plan, IReadOnlyList<PlanItem> Items, IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<ResolvedUnit> Resolved, IReadOnlyList<ImportIssue> Problems, IReadOnlyList<ImportIssue> Warnings)
{
    public IReadOnlyDictionary<Guid, DraftItem> Drafts { get; init; } = new Dictionary<Guid, DraftItem>();
    /// <summary>What the document was read as ("csv", "xlsx" …); empty for the structured form and a repeated request id.</summary>
    public string DetectedFormat { get; init; } = "";

    /// <summary>How a document's text was decoded ("UTF-8", "GB18030" …); empty where there was nothing to decode.</summary>
    public string Encoding { get; init; } = "";
}

/// <summary>
/// Imports a plan in one call: parse the document, resolve every unit name through the units service,
/// read every deadline, and only when nothing is wrong store the plan, its items, its assignments, their
/// history and their feed events in one transaction (bulk COPY). Every problem is reported at once.
/// </summary>
public sealed class PlanImporter(TasksDb db, UnitsDirectory units, WorkingCalendar calendar, BulkWriter writer, TimeProvider time,
    MemoryReclaimer memory)
{
    private const int LargeImport = 20_000;

    // The stored columns' lengths (TasksDb): a longer cell is a problem of its row, not a database error.
    private const int MaxTitleLength = 300;
    private const int MaxItemTextLength = 2000;
    private const int MaxNumberingLength = 50;
    private const int MaxPathLabelLength = 200;
    private const int MaxDeadlineTextLength = 500;

    public async Task<ImportOutcome> ImportAsync(ImportRequest request, CancellationToken ct)
    {
        var violations = new Violations()
            .RequireId(request.IssuingUnitId, "issuing_unit_id")
            .MaxLength(request.Title, "title", 300)
            .MaxLength(request.Source, "source", 100)
            .MaxLength(request.RequestId, "request_id", 100);
        if (request.Form is ImportForm.Table or ImportForm.Outline && string.IsNullOrWhiteSpace(request.Text))
            violations.Add(FormField(request.Form), "must not be empty");
        if (request.Form == ImportForm.Document && request.Document is not { Bytes.IsEmpty: false })
            violations.Add(FormField(request.Form), "must not be empty");
        if (request.TimeZone.Length > 0 && !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out _))
            violations.Add("time_zone", $"'{request.TimeZone}' is not a known IANA time zone");
        violations.ThrowIfAny();

        if (request.RequestId.Length > 0 && !request.DryRun
            && await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.CreateRequestId == request.RequestId, ct) is { } earlier)
            return Repeated(request, earlier);

        var issuerId = Guid.Parse(request.IssuingUnitId);
        var issuer = await units.FindUnitAsync(issuerId, ct)
            ?? throw new ValidationFailedException("issuing_unit_id", $"no unit with id '{request.IssuingUnitId}'");
        var timeZone = request.TimeZone.Length > 0 ? request.TimeZone : issuer.TimeZone;
        var now = time.GetStoredUtcNow();
        var issueDate = request.IssueDate ?? DueTime.LocalDate(now, timeZone);

        var reading = Read(request);
        var parsed = reading.Result;
        var problems = parsed.Problems.Select(p => new ImportIssue(p.LineOrRow, p.Field, p.Message, [])).ToList();
        var warnings = new List<ImportIssue>();
        var draft = parsed.Draft;
        var title = request.Title.Trim().Length > 0 ? request.Title.Trim() : draft?.Title?.Trim() ?? "";
        // A document that could not be read at all has that problem: a missing title would only add noise.
        if (title.Length == 0 && (draft is not null || request.Form != ImportForm.Document))
            problems.Add(new ImportIssue(0, "title", "计划标题未填写（请求中未给出，文件中也没有标题行）", []));
        else if (title.Length > MaxTitleLength)
            problems.Add(new ImportIssue(0, "title", $"计划标题超过 {MaxTitleLength} 字", []));
        if (draft is null || problems.Count > 0 && draft.Items.Count == 0)
            return Fail(request, reading, problems, warnings);

        var context = new ResolutionContext(issuerId, issuer, draft);
        await ResolveUnitsAsync(context, problems, ct);
        var owners = await ResolveOwnersAsync(context, ct);

        var plan = new Plan
        {
            Id = Guid.CreateVersion7(),
            Title = title,
            IssuingUnitId = issuerId,
            IssueDate = issueDate,
            TimeZone = timeZone,
            SourceText = reading.SourceText,
            Source = request.Source.Trim(),
            CreateRequestId = request.RequestId.Length > 0 ? request.RequestId : null,
            CreateRequestHash = request.RequestId.Length > 0 ? request.RequestHash : null,
            CreateTime = now,
        };
        var unmatchedOwners = new List<UnmatchedOwner>();
        var (items, assignments, drafts) = Build(plan, draft, context, owners, new DeadlineContext(issueDate.Year, issueDate, timeZone), problems, unmatchedOwners,
            now);
        await ReportUnmatchedOwnersAsync(unmatchedOwners, context, problems, ct);

        // A collective's name is listed with each member it stands for, as the assignments it became.
        var resolved = context.Matched.Select(m => new ResolvedUnit(m.Key, Guid.Parse(m.Value.Id), m.Value.Name))
            .Concat(context.Collectives.SelectMany(c => c.Value.Select(u => new ResolvedUnit(c.Key, Guid.Parse(u.Id), u.Name)))).ToList();
        if (problems.Count > 0)
            return request.DryRun
                ? reading.Report(new ImportOutcome(null, items, assignments, resolved, Sorted(problems), warnings) { Drafts = drafts })
                : Fail(request, reading, problems, warnings);
        if (request.DryRun)
            return reading.Report(new ImportOutcome(null, items, assignments, resolved, [], warnings) { Drafts = drafts });

        // A concurrent import with the same request id may have stored its plan while this one was being read.
        if (await writer.WritePlanAsync(plan, items, assignments, now, ct) is { } first)
            return Repeated(request, first);
        if (request.RequestId.Length == 0)
            warnings.Add(new ImportIssue(0, "request_id",
                "请求未给出 request_id：再次发送同一请求（如超时后重试）将再导入一份计划；重试前请给出 request_id，或用 WithdrawPlan 撤回多余的计划", []));
        if (assignments.Count >= LargeImport)
            // A large plan's working set (its text, rows and snapshots) would otherwise stay with the process.
            memory.AfterLargeRequest();
        return reading.Report(new ImportOutcome(plan, items, assignments, resolved, [], warnings));
    }

    /// <summary>What the request's content reads as, what it was read as, and what its problems' lines are called.</summary>
    private sealed record Reading(ImportResult Result, string SourceText, string Format, string Encoding, string Unit)
    {
        public ImportOutcome Report(ImportOutcome outcome) => outcome with { DetectedFormat = Format, Encoding = Encoding };
    }

    private static Reading Read(ImportRequest request)
    {
        switch (request.Form)
        {
            case ImportForm.Table:
                return new(TaskBreakdownTableParser.Parse(request.Text), request.Text,
                    FormatName(DelimitedTextReader.DetectDelimiter(request.Text) == '\t' ? DocumentKind.Tsv : DocumentKind.Csv), "", "rows");
            case ImportForm.Outline:
                return new(PlanOutlineParser.Parse(request.Text), request.Text, FormatName(DocumentKind.Outline), "", "lines");
            case ImportForm.Document:
                var document = DocumentReader.Read(request.Document!);
                return new(document.Result, document.SourceText, document.Format is { } format ? FormatName(format) : "", document.Encoding,
                    document.Format is DocumentKind.Outline or DocumentKind.Docx ? "lines" : "rows");
            default:
                return new(new ImportResult { Draft = request.Structure, Problems = [] }, "", "", "", "");
        }
    }

    /// <summary>The names the contract gives formats (ImportPlanResponse.detected_format).</summary>
    private static string FormatName(DocumentKind format) => format switch
    {
        DocumentKind.Csv => "csv",
        DocumentKind.Tsv => "tsv",
        DocumentKind.Outline => "outline",
        DocumentKind.Xlsx => "xlsx",
        DocumentKind.Docx => "docx",
        DocumentKind.DocxTable => "docx-table",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The plan an earlier import with this request id stored; refused when that import asked for something else.</summary>
    private static ImportOutcome Repeated(ImportRequest request, Plan earlier)
    {
        // Plans stored before requests were hashed carry none; their request id alone decides, as it did then.
        if (earlier.CreateRequestHash is { } stored && stored != request.RequestHash)
            throw new AlreadyExistsException("request_id", "was already used for a different plan; send a new request id");
        return new ImportOutcome(earlier, [], [], [], [], []);
    }

    /// <summary>Everything the document names, and what each name turned out to be.</summary>
    private sealed class ResolutionContext(Guid issuerId, Unit issuer, PlanDraft draft)
    {
        public Guid IssuerId { get; } = issuerId;
        public Unit Issuer { get; } = issuer;
        public PlanDraft Draft { get; } = draft;
        /// <summary>Names of one unit.</summary>
        public Dictionary<string, Unit> Matched { get; } = [];
        /// <summary>Names of a collective: the member units it stands for, in the collective's order.</summary>
        public Dictionary<string, IReadOnlyList<Unit>> Collectives { get; } = [];
        /// <summary>Names of a collective as written → the collective's own name (an alias or the name without quotation marks).</summary>
        public Dictionary<string, string> CollectiveNames { get; } = [];

        public bool IsCollective(UnitRef reference) => Collectives.ContainsKey(reference.Text);

        public IReadOnlyList<Guid> UnitsOf(UnitRef reference) =>
            Collectives.TryGetValue(reference.Text, out var members) ? members.Select(u => Guid.Parse(u.Id)).ToList()
            : Matched.TryGetValue(reference.Text, out var unit) ? [Guid.Parse(unit.Id)] : [];

        /// <summary>Every unit a name resolved to, by id.</summary>
        public Unit? UnitById(Guid id) =>
            Matched.Values.Concat(Collectives.Values.SelectMany(m => m)).FirstOrDefault(u => u.Id == id.ToString());
    }

    /// <summary>
    /// Every distinct name goes to the units service once, scoped to the issuer: a unit's name, or a collective's that the
    /// issuer or one of its ancestors owns ("一市三园", "各片区"), which stands for its members. Nothing is guessed from how
    /// a name is written: a name the office has not recorded ("各相关部门") is unknown, and a problem at every row naming it.
    /// </summary>
    private async Task ResolveUnitsAsync(ResolutionContext context, List<ImportIssue> problems, CancellationToken ct)
    {
        var occurrences = new Dictionary<string, List<(int Line, string Field)>>();
        foreach (var item in context.Draft.AllItems())
        {
            foreach (var (reference, field) in item.LeadUnits.Select(u => (u, "牵头单位")).Concat(item.CoUnits.Select(u => (u, "配合单位"))))
            {
                if (!occurrences.TryGetValue(reference.Text, out var where))
                    occurrences[reference.Text] = where = [];
                where.Add((item.LineOrRow, field));
            }
        }
        void ProblemAtEach(string name, string message, IReadOnlyList<UnitSuggestion> suggestions)
        {
            foreach (var (line, field) in occurrences[name])
                problems.Add(new ImportIssue(line, field, message, suggestions));
        }

        var names = occurrences.Keys.ToList();
        var results = names.Count == 0 ? [] : await units.ResolveAsync(names, context.IssuerId, ct);
        for (var i = 0; i < names.Count; i++)
        {
            var result = results[i];
            var name = names[i];
            switch (result.Outcome)
            {
                case ResolvedName.Types.Outcome.Matched when InIssuerSubtree(result.Unit, context.IssuerId):
                    context.Matched[name] = result.Unit;
                    break;
                case ResolvedName.Types.Outcome.Matched:
                    ProblemAtEach(name, $"“{name}”（{result.Unit.Name}）不是{context.Issuer.Name}的下级单位", []);
                    break;
                case ResolvedName.Types.Outcome.Collective:
                    var members = result.Collective.ExpandedUnits;
                    // A collective is assigned through its members; one outside the issuer's subtree cannot be, and is named.
                    var outside = members.Where(u => !InIssuerSubtree(u, context.IssuerId)).Select(u => u.Name).ToList();
                    if (outside.Count > 0)
                        ProblemAtEach(name, $"“{name}”（集体名称“{result.Collective.Name}”）中的{string.Join("、", outside)}不是{context.Issuer.Name}的下级单位", []);
                    else if (members.Count == 0)
                        ProblemAtEach(name, $"“{name}”（集体名称“{result.Collective.Name}”）现在没有在用的成员单位", []);
                    else
                    {
                        context.Collectives[name] = members;
                        context.CollectiveNames[name] = result.Collective.Name;
                    }
                    break;
                case ResolvedName.Types.Outcome.Ambiguous:
                    ProblemAtEach(name, $"“{name}”对应多个单位，请写明全称",
                        result.Candidates.Select(c => new UnitSuggestion(Guid.Parse(c.Id), c.Name, 1)).ToList());
                    break;
                default:
                    ProblemAtEach(name, $"未知单位“{name}”",
                        result.Suggestions.Select(s => s.Collective is { } c
                            ? new UnitSuggestion(Guid.Empty, c.Name, s.Score, Guid.Parse(c.Id))
                            : new UnitSuggestion(Guid.Parse(s.Unit.Id), s.Unit.Name, s.Score)).ToList());
                    break;
            }
        }
    }

    private static bool InIssuerSubtree(Unit unit, Guid issuerId) =>
        unit.Id == issuerId.ToString() || unit.AncestorIds.Contains(issuerId.ToString());

    /// <summary>People of each lead unit, to turn a 责任人 text into a person where the name matches one.</summary>
    private async Task<Dictionary<Guid, IReadOnlyList<Person>>> ResolveOwnersAsync(ResolutionContext context, CancellationToken ct)
    {
        var leadUnits = context.Draft.AllItems().Where(i => i.Children.Count == 0 && !string.IsNullOrWhiteSpace(i.Owner))
            .SelectMany(i => i.LeadUnits.Take(1).SelectMany(context.UnitsOf)).Distinct().ToList();
        var people = new Dictionary<Guid, IReadOnlyList<Person>>();
        foreach (var unit in leadUnits)
            people[unit] = await units.ListPeopleAsync(unit, ct);
        return people;
    }

    private (List<PlanItem> Items, List<Assignment> Assignments, Dictionary<Guid, DraftItem> Drafts) Build(Plan plan, PlanDraft draft, ResolutionContext context,
        Dictionary<Guid, IReadOnlyList<Person>> owners, DeadlineContext deadlines, List<ImportIssue> problems, List<UnmatchedOwner> unmatchedOwners,
        DateTimeOffset now)
    {
        var items = new List<PlanItem>();
        var assignments = new List<Assignment>();
        var drafts = new Dictionary<Guid, DraftItem>();

        void Visit(DraftItem draftItem, Guid? parentId, int depth, DateOnly? parentDue)
        {
            var item = new PlanItem
            {
                Id = Guid.CreateVersion7(),
                PlanId = plan.Id,
                ParentId = parentId,
                Kind = draftItem.Kind,
                Numbering = draftItem.Numbering,
                PathLabel = draftItem.PathLabel,
                Text = draftItem.Text,
                Description = draftItem.Description ?? "",
                Attributes = draftItem.Attributes.ToDictionary(),
                SourceLine = draftItem.LineOrRow,
                Position = items.Count,
                Depth = depth,
            };
            items.Add(item);
            drafts[item.Id] = draftItem;
            if (item.Text.Length > MaxItemTextLength)
                problems.Add(new ImportIssue(draftItem.LineOrRow, "事项", $"内容超过 {MaxItemTextLength} 字（{item.Text.Length} 字）", []));
            if (item.Numbering.Length > MaxNumberingLength)
                problems.Add(new ImportIssue(draftItem.LineOrRow, "序号", $"编号超过 {MaxNumberingLength} 字", []));
            else if (item.PathLabel.Length > MaxPathLabelLength)
                problems.Add(new ImportIssue(draftItem.LineOrRow, "序号", $"完整编号超过 {MaxPathLabelLength} 字", []));

            AssignmentDeadline? deadline = null;
            if (draftItem.DeadlineText is { Length: > MaxDeadlineTextLength })
                problems.Add(new ImportIssue(draftItem.LineOrRow, "完成时限", $"超过 {MaxDeadlineTextLength} 字", []));
            else if (!string.IsNullOrWhiteSpace(draftItem.DeadlineText))
            {
                var parsedDeadline = ParsedDeadlines.Parse(draftItem.DeadlineText, deadlines);
                if (parsedDeadline.Deadline is null)
                    problems.Add(new ImportIssue(draftItem.LineOrRow, "完成时限", parsedDeadline.Problem ?? "无法识别", []));
                else
                {
                    deadline = AssignmentDeadline.From(parsedDeadline.Deadline, deadlines.PlanIssuedOn, calendar);
                    if (deadline.ProblemUnder(parentDue) is { } late)
                        problems.Add(new ImportIssue(draftItem.LineOrRow, "完成时限", $"“{draftItem.DeadlineText}”：{late}", []));
                }
            }

            if (draftItem.Children.Count == 0 && draftItem.LeadUnits.Count > 0)
            {
                if (deadline is null && string.IsNullOrWhiteSpace(draftItem.DeadlineText))
                    problems.Add(new ImportIssue(draftItem.LineOrRow, "完成时限", "交办事项须写明完成时限", []));
                var leads = draftItem.LeadUnits.SelectMany(context.UnitsOf).Distinct().ToList();
                // The first unit named leads; the others named with it and the co-units work alongside.
                var firstLead = draftItem.LeadUnits[0];
                // A collective named first leads through each of its members: one assignment each.
                var leadIds = context.IsCollective(firstLead) ? context.UnitsOf(firstLead) : leads.Take(1).ToList();
                var coIds = leads.Except(leadIds).Concat(draftItem.CoUnits.SelectMany(context.UnitsOf)).Distinct().ToArray();
                foreach (var leadId in leadIds)
                {
                    var (ownerId, ownerName) = MatchOwner(draftItem.Owner, leadId, owners.GetValueOrDefault(leadId), draftItem.LineOrRow);
                    assignments.Add(new Assignment
                    {
                        Id = Guid.CreateVersion7(),
                        PlanId = plan.Id,
                        ItemId = item.Id,
                        AssigningUnitId = plan.IssuingUnitId,
                        LeadUnitId = leadId,
                        CoUnitIds = coIds.Where(id => id != leadId).ToArray(),
                        LeadCollective = context.CollectiveNames.GetValueOrDefault(firstLead.Text, ""),
                        OwnerPersonId = ownerId,
                        OwnerName = ownerName,
                        Title = draftItem.Text,
                        // No readable deadline is shown as none (its problem says why), never as some other kind.
                        DeadlineKind = deadline?.Kind ?? DeadlineKind.Invalid,
                        DeadlineText = deadline?.Text ?? draftItem.DeadlineText ?? "",
                        DueDate = deadline?.DueDate,
                        DuePrecision = deadline?.Precision,
                        Milestones = deadline?.Milestones ?? [],
                        OriginalDueDate = deadline?.DueDate,
                        DeadlineContextDate = plan.IssueDate,
                        Source = plan.Source,
                        TimeZone = plan.TimeZone,
                        CreateTime = now,
                        UpdateTime = now,
                    });
                }
            }
            foreach (var child in draftItem.Children)
                Visit(child, item.Id, depth + 1, deadline?.DueDate ?? parentDue);
        }

        foreach (var top in draft.Items)
            Visit(top, null, 0, null);
        return (items, assignments, drafts);

        (Guid?, string) MatchOwner(string? text, Guid leadId, IReadOnlyList<Person>? people, int line)
        {
            if (string.IsNullOrWhiteSpace(text))
                return (null, "");
            var owner = text.Trim();
            var person = people?.Where(p => owner.Contains(p.Name, StringComparison.Ordinal)).MaxBy(p => p.Name.Length);
            if (person is not null)
                return (Guid.Parse(person.Id), person.Name);
            unmatchedOwners.Add(new UnmatchedOwner(line, owner, leadId));
            return (null, owner.Length > 100 ? owner[..100] : owner);
        }
    }

    private sealed record UnmatchedOwner(int Line, string Text, Guid LeadUnitId);

    /// <summary>
    /// A 责任人 who is no person of the lead unit is a problem at each row it stands in — the office names a person who
    /// answers for the work, and a name nobody holds, or someone of another unit, answers for nothing. Where the name is
    /// a person of other units, the problem says which.
    /// </summary>
    private async Task ReportUnmatchedOwnersAsync(List<UnmatchedOwner> unmatched, ResolutionContext context, List<ImportIssue> problems,
        CancellationToken ct)
    {
        var elsewhere = unmatched.Select(u => u.Text).Distinct().ToDictionary(name => name, _ => "");
        // One lookup per distinct name, for the first ones: a file of thousands of made-up names costs no more than these.
        foreach (var name in elsewhere.Keys.Take(MaxOwnerLookups).ToList())
        {
            var people = name.Length <= MaxPersonNameLength ? await units.FindPeopleNamedAsync(name, ct) : [];
            var unitIds = people.SelectMany(p => p.Roles.Select(r => Guid.Parse(r.UnitId))).Distinct().ToList();
            var unitNames = unitIds.Count == 0 ? [] : (await units.GetUnitsAsync(unitIds, ct)).Values.Select(u => u.Name).Order().ToList();
            elsewhere[name] = string.Join("、", unitNames);
        }
        foreach (var owner in unmatched)
        {
            var lead = context.UnitById(owner.LeadUnitId)?.Name ?? "牵头单位";
            problems.Add(new ImportIssue(owner.Line, "责任人", elsewhere[owner.Text] is { Length: > 0 } theirUnits
                ? $"“{owner.Text}”是{theirUnits}的人员，不是牵头单位{lead}的人员"
                : $"“{owner.Text}”不是牵头单位{lead}登记的人员（请先在单位中登记此人，或改为该单位的人员）", []));
        }
    }

    // A person's name is at most this long (the units service's limit); a longer 责任人 text names no one person.
    private const int MaxPersonNameLength = 100;
    private const int MaxOwnerLookups = 50;

    private static string FormField(ImportForm form) => form switch
    {
        ImportForm.Table => "table_text",
        ImportForm.Outline => "outline_text",
        ImportForm.Document => DocumentReading.Field,
        _ => "structure",
    };

    private static List<ImportIssue> Sorted(IEnumerable<ImportIssue> issues) => issues.OrderBy(i => i.Line).ThenBy(i => i.Field, StringComparer.Ordinal).ToList();

    /// <summary>
    /// A real import with problems stores nothing and fails with the problems as field violations. A status travels in
    /// a trailer, which holds only the first of many (the rest are counted); a dry run returns all of them in its body.
    /// </summary>
    private static ImportOutcome Fail(ImportRequest request, Reading reading, List<ImportIssue> problems, List<ImportIssue> warnings)
    {
        if (request.DryRun)
            return reading.Report(new ImportOutcome(null, [], [], [], Sorted(problems), warnings));
        var unit = reading.Unit;
        var summary = $"the plan has {problems.Count} problem(s); nothing was stored. "
            + "Import it again with dry_run to receive every problem in the response.";
        throw new ValidationFailedException(summary, Sorted(problems).Select(p => new FieldViolation(
            p.Line > 0 ? $"{FormField(request.Form)}.{unit}[{p.Line}].{p.Field}" : p.Field,
            p.Suggestions.Count == 0 ? p.Message : $"{p.Message}；是否为：{string.Join("、", p.Suggestions.Select(s => s.Name))}")).ToList());
    }
}
