using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain.Import;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Grpc;

/// <summary>The structured import form, turned into the same draft the document parsers produce.</summary>
internal static class StructureMapping
{
    public static PlanDraft ToDraft(Contract.PlanStructure structure)
    {
        RequireContent(structure);
        var line = 0;
        DraftItem Map(Contract.StructuredItem source, DraftItem? parent, int index)
        {
            line++;
            var numbering = source.Numbering.Trim().Length > 0 ? source.Numbering.Trim() : (index + 1).ToString();
            var item = new DraftItem
            {
                Kind = TaskMapping.ToDomain(source.Kind),
                Numbering = numbering,
                PathLabel = PathLabel.Of(parent, numbering),
                Text = source.Text.Trim(),
                LineOrRow = line,
                // Children without their own responsibilities take their parent's, as in the documents.
                LeadUnits = source.LeadUnits.Count > 0 ? Refs(source.LeadUnits) : parent?.LeadUnits ?? [],
                CoUnits = source.CoUnits.Count > 0 ? Refs(source.CoUnits) : parent?.CoUnits ?? [],
                Owner = source.Owner.Length > 0 ? source.Owner : parent?.Owner,
                DeadlineText = source.Deadline.Length > 0 ? source.Deadline : parent?.DeadlineText,
                Attributes = source.Attributes.ToDictionary(),
            };
            for (var i = 0; i < source.Children.Count; i++)
                item.AddChild(Map(source.Children[i], item, i));
            return item;
        }

        return new PlanDraft { Items = structure.Items.Select((item, i) => Map(item, null, i)).ToList() };
    }

    /// <summary>An empty structure would store an empty plan, and an item without text an assignment without a title.</summary>
    private static void RequireContent(Contract.PlanStructure structure)
    {
        var violations = new Violations();
        if (structure.Items.Count == 0)
            violations.Add("structure.items", "must list at least one item");
        void Check(IReadOnlyList<Contract.StructuredItem> items, string at)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(items[i].Text))
                    violations.Add($"{at}[{i}].text", "must not be empty");
                Check(items[i].Children, $"{at}[{i}].children");
            }
        }
        Check(structure.Items, "structure.items");
        violations.ThrowIfAny();
    }

    private static List<UnitRef> Refs(IEnumerable<string> names) =>
        names.Select(n => n.Trim()).Where(n => n.Length > 0).Select(n => new UnitRef(n)).ToList();
}
