using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Duban.Supervision.Documents;

/// <summary>三色督办: blue when due soon, yellow when behind schedule, red when overdue.</summary>
public enum UrgingLevel
{
    None,
    Blue,
    Yellow,
    Red,
}

/// <summary>What one 督办单 or 催办单 says about one assignment.</summary>
public sealed record UrgingNote(
    string Number,
    string LeadUnit,
    string Title,
    string Source,
    string Deadline,
    int? DaysOverdue,
    UrgingLevel Level,
    string Requirement,
    string ReplyBy,
    string Contacts,
    string Phones)
{
    public static string LevelName(UrgingLevel level) => level switch
    {
        UrgingLevel.Red => "红色督办（已逾期）",
        UrgingLevel.Yellow => "黄色督办（进度滞后）",
        UrgingLevel.Blue => "蓝色督办（即将到期）",
        _ => "—",
    };

    public static string? LevelFill(UrgingLevel level) => level switch
    {
        UrgingLevel.Red => "FF0000",
        UrgingLevel.Yellow => "FFC000",
        UrgingLevel.Blue => "0070C0",
        _ => null,
    };
}

/// <summary>
/// 督办单 and 催办单: the template's body once per note, its placeholders filled, a page break between notes, so a batch
/// prints one note per page. The 督办等级 cell takes the level's colour.
/// </summary>
public static class UrgingNoteDocx
{
    public static void Render(byte[] template, IReadOnlyList<UrgingNote> notes, string organ, string date, Stream output)
    {
        using var buffer = new MemoryStream();
        buffer.Write(template);
        buffer.Position = 0;
        using (var document = WordprocessingDocument.Open(buffer, true))
        {
            var main = document.MainDocumentPart!;
            DocxTemplate.EnsureStyles(main, DefaultTemplates.StyleIds);
            var body = main.Document!.Body!;
            var section = body.Elements<SectionProperties>().LastOrDefault();
            var page = body.ChildElements.Where(e => e is not SectionProperties).Select(e => e.CloneNode(true)).ToList();
            body.RemoveAllChildren();
            for (var i = 0; i < notes.Count; i++)
            {
                if (i > 0)
                    body.Append(new Paragraph(new Run(new Break { Type = BreakValues.Page })));
                var note = notes[i];
                var values = new Dictionary<string, string>
                {
                    ["发文机关"] = organ, ["编号"] = note.Number, ["承办单位"] = note.LeadUnit, ["事项"] = note.Title, ["来源"] = note.Source,
                    ["完成时限"] = note.Deadline, ["已逾期天数"] = note.DaysOverdue is { } d ? $"{d}天" : "未逾期",
                    ["督办等级"] = UrgingNote.LevelName(note.Level), ["办理要求"] = note.Requirement, ["反馈时限"] = note.ReplyBy,
                    ["联系人"] = note.Contacts, ["电话"] = note.Phones, ["成文日期"] = date,
                };
                foreach (var element in page)
                {
                    var copy = element.CloneNode(true);
                    DocxTemplate.Fill(copy, values, (run, name) =>
                    {
                        if (name != "督办等级" || UrgingNote.LevelFill(note.Level) is not { } fill)
                            return;
                        var properties = run.RunProperties ?? run.PrependChild(new RunProperties());
                        properties.Append(new Bold(), new Color { Val = note.Level == UrgingLevel.Yellow ? "000000" : "FFFFFF" });
                        if (run.Ancestors<TableCell>().FirstOrDefault() is { } cell)
                        {
                            var cellProperties = cell.TableCellProperties ?? cell.PrependChild(new TableCellProperties());
                            cellProperties.Shading?.Remove();
                            var shading = new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = fill };
                            // The schema orders a cell's properties: shading follows the width.
                            if (cellProperties.TableCellWidth is { } width)
                                cellProperties.InsertAfter(shading, width);
                            else
                                cellProperties.PrependChild(shading);
                        }
                    });
                    body.Append(copy);
                }
            }
            if (section is not null)
                body.Append(section.CloneNode(true));
            foreach (var footer in main.FooterParts)
                DocxTemplate.Fill(footer.Footer!, new Dictionary<string, string> { ["发文机关"] = organ, ["成文日期"] = date });
        }
        buffer.Position = 0;
        buffer.CopyTo(output);
    }
}
