using System.Text;
using Duban.Harness;
using Duban.Tasks.Domain.Import;

namespace Duban.Tasks.Tests.Domain.Import.Documents;

/// <summary>The samples folder's plan, and the shape of what a parser read, to compare two readings of one content.</summary>
internal static class Samples
{
    public const string TableFile = "implementation-plan.csv";
    public const string OutlineFile = "implementation-plan-outline.txt";

    public static string Text(string file) => File.ReadAllText(Path.Combine(RepoPaths.Find().Root, "samples", file));

    /// <summary>The bytes Excel and WPS write for this text when they save it on Chinese Windows.</summary>
    public static byte[] Gbk(string text) => Gb18030.GetBytes(text);

    public static Encoding Gb18030
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030");
        }
    }

    /// <summary>Every item as its numbering, kind, text and responsibilities read: two readings of one plan have the same shape.</summary>
    public static List<string> Shape(ImportResult result)
    {
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Draft!.AllItems().Select(item => string.Join(" | ", item.PathLabel, item.Kind, item.Text,
            string.Join("、", item.LeadUnits.Select(unit => unit.Text)), string.Join("、", item.CoUnits.Select(unit => unit.Text)),
            item.Owner, item.DeadlineText, string.Join("；", item.Attributes.Select(a => $"{a.Key}={a.Value}")))).ToList();
    }
}
