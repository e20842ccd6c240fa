using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;

namespace Duban.Supervision.Documents;

/// <summary>
/// Which template a document is drawn from: the office's own for the scope, else the nearest ancestor's, else the
/// shipped default. Only the office lists, uploads and replaces templates; an upload is checked first
/// (<see cref="DocxTemplate.Problems"/>) and refused with every problem named.
/// </summary>
public sealed class DocumentTemplates(SupervisionDb db, UnitsDirectory units, TimeProvider time)
{
    /// <summary>A .docx template is small; a larger upload is most likely not one.</summary>
    public const int MaxBytes = 5 * 1024 * 1024;

    public async Task<byte[]> ResolveAsync(DocumentTemplateKind kind, Guid scopeUnitId, CancellationToken ct) =>
        (await InForceAsync(kind, scopeUnitId, ct))?.Content ?? DefaultTemplates.For(kind);

    /// <summary>The scope's own template of the kind, else the nearest ancestor's; null: the shipped one applies.</summary>
    public async Task<DocumentTemplateRecord?> InForceAsync(DocumentTemplateKind kind, Guid scopeUnitId, CancellationToken ct)
    {
        if (!await db.DocumentTemplates.AnyAsync(t => t.Kind == kind, ct))
            return null;
        var unitId = scopeUnitId;
        for (var depth = 0; depth < 20 && unitId != Guid.Empty; depth++)
        {
            var own = await db.DocumentTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Kind == kind && t.ScopeUnitId == unitId, ct);
            if (own is not null)
                return own;
            var unit = await units.FindUnitAsync(unitId, ct);
            unitId = unit is not null && Guid.TryParse(unit.ParentId, out var parent) ? parent : Guid.Empty;
        }
        return null;
    }

    public async Task<IReadOnlyList<(DocumentTemplateKind Kind, DocumentTemplateRecord? Template)>> ListAsync(string scopeUnitId, Caller caller, CancellationToken ct)
    {
        RequireOffice(caller);
        var scope = ParseScope(scopeUnitId);
        var result = new List<(DocumentTemplateKind, DocumentTemplateRecord?)>();
        foreach (var kind in Enum.GetValues<DocumentTemplateKind>())
            result.Add((kind, await InForceAsync(kind, scope, ct)));
        return result;
    }

    /// <summary>Stores the template for (scope, kind), replacing the one there; refused whole when it cannot be used.</summary>
    public async Task<DocumentTemplateRecord> UploadAsync(string scopeUnitId, DocumentTemplateKind? kind, string fileName, byte[] content, Caller caller,
        CancellationToken ct)
    {
        RequireOffice(caller);
        var violations = new Violations().RequireId(scopeUnitId, "scope_unit_id").MaxLength(fileName, "file_name", 200);
        if (kind is null)
            violations.Add("kind", "say which document the template is for: BULLETIN, SUPERVISION_NOTE or URGING_NOTE");
        if (content.Length == 0)
            violations.Add("content", "the template's .docx bytes are required");
        else if (content.Length > MaxBytes)
            violations.Add("content", $"at most {MaxBytes / 1024 / 1024} MB");
        else if (kind is { } k)
            foreach (var problem in DocxTemplate.Problems(content, k))
                violations.Add("content", problem);
        violations.ThrowIfAny();

        var scope = Guid.Parse(scopeUnitId);
        if (await units.FindUnitAsync(scope, ct) is null)
            throw new ValidationFailedException("scope_unit_id", $"no unit with id '{scopeUnitId}'");
        var record = await db.DocumentTemplates.FirstOrDefaultAsync(t => t.ScopeUnitId == scope && t.Kind == kind, ct);
        if (record is null)
        {
            record = new DocumentTemplateRecord { Id = Guid.NewGuid(), ScopeUnitId = scope, Kind = kind!.Value };
            db.DocumentTemplates.Add(record);
        }
        record.FileName = fileName.Trim().Length > 0 ? fileName.Trim() : "template.docx";
        record.Content = content;
        record.Version++;
        record.UploadedBy = caller.PersonId;
        record.UploadTime = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return record;
    }

    private static Guid ParseScope(string scopeUnitId)
    {
        new Violations().RequireId(scopeUnitId, "scope_unit_id").ThrowIfAny();
        return Guid.Parse(scopeUnitId);
    }

    private static void RequireOffice(Caller caller)
    {
        if (!caller.IsOffice)
            throw new PermissionDeniedException("only the supervision office manages document templates");
    }
}
