using Duban.Tasks.Domain.Import;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Grpc;

/// <summary>The structured import form, turned into the same draft the document parsers produce.</summary>
internal static class StructureMapping
{
    public static PlanDraft ToDraft(Contract.PlanStructure structure)
    {
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

    private static List<UnitRef> Refs(IEnumerable<string> names) =>
        names.Select(n => n.Trim()).Where(n => n.Length > 0).Select(n => new UnitRef(n, UnitNameList.IsCollective(n))).ToList();
}
