namespace Duban.Supervision.Documents;

/// <summary>Which template a document of a scope is drawn from.</summary>
public sealed class DocumentTemplates
{
    /// <summary>The template for documents of <paramref name="scopeUnitId"/>: the shipped default.</summary>
    public Task<byte[]> ResolveAsync(DocumentTemplateKind kind, Guid scopeUnitId, CancellationToken ct) =>
        Task.FromResult(DefaultTemplates.For(kind));
}
