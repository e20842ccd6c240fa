using Markdig;
using Microsoft.AspNetCore.Components;

namespace Duban.Web.Reviews;

/// <summary>
/// The 通报 as a page: supervision's Markdown rendered to HTML. Raw HTML in it is not passed through, so a title
/// typed with tags shows as text.
/// </summary>
public static class BulletinPage
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().DisableHtml().Build();

    public static MarkupString Render(string markdown) => new(Markdown.ToHtml(markdown, Pipeline));
}
