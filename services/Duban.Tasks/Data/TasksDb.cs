using System.Text.Json;
using Duban.Tasks.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Duban.Tasks.Data;

public sealed class TasksDb(DbContextOptions<TasksDb> options) : DbContext(options)
{
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<PlanItem> PlanItems => Set<PlanItem>();
    public DbSet<Assignment> Assignments => Set<Assignment>();
    public DbSet<HistoryEntry> History => Set<HistoryEntry>();
    public DbSet<TaskEvent> Events => Set<TaskEvent>();
    public DbSet<Domain.Attachments.Attachment> Attachments => Set<Domain.Attachments.Attachment>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Plan>(plan =>
        {
            plan.ToTable("plans");
            plan.HasKey(p => p.Id);
            plan.Property(p => p.Title).HasMaxLength(300);
            plan.Property(p => p.TimeZone).HasMaxLength(64);
            plan.Property(p => p.Version).IsConcurrencyToken();
            plan.Property(p => p.Source).HasMaxLength(100);
            plan.Property(p => p.CreateRequestId).HasMaxLength(100);
            plan.HasIndex(p => p.CreateRequestId).IsUnique();
            plan.Property(p => p.CreateRequestHash).HasMaxLength(64).IsFixedLength();
            plan.Property(p => p.WithdrawReason).HasMaxLength(Plan.MaxWithdrawReasonLength).HasDefaultValue("");
            plan.HasIndex(p => p.IssuingUnitId);
        });

        model.Entity<PlanItem>(item =>
        {
            item.ToTable("plan_items");
            item.HasKey(i => i.Id);
            item.Property(i => i.Numbering).HasMaxLength(50);
            item.Property(i => i.PathLabel).HasMaxLength(200);
            item.Property(i => i.Description).HasDefaultValue("");
            item.Property(i => i.Attributes).HasColumnType("jsonb").HasConversion(Json<Dictionary<string, string>>(), ByContent<Dictionary<string, string>>());
            item.HasIndex(i => new { i.PlanId, i.Position });
            item.HasOne<Plan>().WithMany().HasForeignKey(i => i.PlanId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Assignment>(assignment =>
        {
            assignment.ToTable("assignments");
            assignment.HasKey(a => a.Id);
            assignment.Property(a => a.Title).HasMaxLength(2000);
            assignment.Property(a => a.OwnerName).HasMaxLength(100);
            assignment.Property(a => a.LeadCollective).HasMaxLength(200);
            assignment.Property(a => a.DeadlineText).HasMaxLength(500);
            assignment.Property(a => a.TimeZone).HasMaxLength(64);
            assignment.Property(a => a.Source).HasMaxLength(100);
            assignment.Property(a => a.CreateRequestId).HasMaxLength(100);
            assignment.Property(a => a.CreateRequestHash).HasMaxLength(64).IsFixedLength();
            assignment.Property(a => a.Version).IsConcurrencyToken();
            assignment.Property(a => a.Milestones).HasColumnType("jsonb").HasConversion(Json<MilestoneValue[]>(), ByContent<MilestoneValue[]>());
            assignment.Property(a => a.Target).HasColumnType("jsonb").HasConversion(Json<QuantitativeTarget?>(), ByContent<QuantitativeTarget?>());
            assignment.Property(a => a.PendingExtension).HasColumnType("jsonb").HasConversion(Json<PendingExtension?>(), ByContent<PendingExtension?>());
            assignment.Ignore(a => a.Deadline);
            assignment.HasIndex(a => new { a.LeadUnitId, a.DueDate });
            assignment.HasIndex(a => new { a.PlanId, a.ItemId });
            assignment.HasIndex(a => a.ParentAssignmentId);
            assignment.HasIndex(a => a.OwnerPersonId);
            assignment.HasIndex(a => new { a.Status, a.DueDate });
            assignment.HasIndex(a => a.CreateRequestId);
            // The ledger's 最近更新 order (its due-date order has the expression index of the LedgerOrderIndex migration).
            assignment.HasIndex(a => new { a.UpdateTime, a.Id }, "ix_assignments_recently_updated").HasDatabaseName("ix_assignments_recently_updated");
            // The office's queue of extension requests: a few rows among all, found without reading the table.
            assignment.HasIndex(a => a.DueDate, "ix_assignments_pending_extension").HasDatabaseName("ix_assignments_pending_extension")
                .HasFilter("pending_extension IS NOT NULL");
            assignment.HasOne<Plan>().WithMany().HasForeignKey(a => a.PlanId).OnDelete(DeleteBehavior.Restrict);
            assignment.HasOne<PlanItem>().WithMany().HasForeignKey(a => a.ItemId).OnDelete(DeleteBehavior.Restrict);
            assignment.HasOne<Assignment>().WithMany().HasForeignKey(a => a.ParentAssignmentId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<HistoryEntry>(entry =>
        {
            entry.ToTable("assignment_history");
            entry.HasKey(h => h.Id);
            entry.Property(h => h.Id).UseIdentityAlwaysColumn();
            entry.Property(h => h.Type).HasMaxLength(40);
            entry.Property(h => h.Text).HasMaxLength(4000);
            entry.HasIndex(h => new { h.AssignmentId, h.Id });
            entry.HasOne<Assignment>().WithMany().HasForeignKey(h => h.AssignmentId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Domain.Attachments.Attachment>(file =>
        {
            file.ToTable("attachments");
            file.HasKey(a => a.Id);
            file.Property(a => a.FileName).HasMaxLength(Domain.Attachments.EvidenceFileName.MaxLength + 10);
            file.Property(a => a.ContentType).HasMaxLength(120);
            file.Property(a => a.Sha256).HasMaxLength(64);
            file.Property(a => a.StorageKey).HasMaxLength(200);
            file.HasIndex(a => new { a.AssignmentId, a.UploadTime });
            file.HasIndex(a => new { a.AssignmentId, a.Sha256 });
            file.HasIndex(a => a.StorageKey);
            // The janitor's sweep: only rows not yet part of a record.
            file.HasIndex(a => new { a.State, a.UploadTime }).HasFilter("state <> 3");
            file.HasOne<Assignment>().WithMany().HasForeignKey(a => a.AssignmentId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<AttachmentBlobPart>(part =>
        {
            part.ToTable("attachment_blobs");
            part.HasKey(p => new { p.StorageKey, p.Part });
            part.Property(p => p.StorageKey).HasMaxLength(200);
        });

        model.Entity<TaskEvent>(feed =>
        {
            feed.ToTable("task_events");
            feed.HasKey(e => e.Sequence);
            feed.Property(e => e.Sequence).UseIdentityAlwaysColumn();
            feed.Property(e => e.TransactionId).HasColumnType("xid8").HasDefaultValueSql("pg_current_xact_id()").ValueGeneratedOnAdd();
            feed.Property(e => e.Type).HasMaxLength(40);
            feed.HasIndex(e => new { e.TransactionId, e.Sequence }).IsUnique();
        });
    }

    private static ValueConverter<T, string> Json<T>() => new(
        v => JsonSerializer.Serialize(v, JsonSerializerOptions.Web),
        s => JsonSerializer.Deserialize<T>(s, JsonSerializerOptions.Web)!);

    /// <summary>Equal when their JSON is: a collection changed in place is saved, and one read and left alone is not.</summary>
    private static ValueComparer<T> ByContent<T>() => new(
        (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Web) == JsonSerializer.Serialize(b, JsonSerializerOptions.Web),
        v => JsonSerializer.Serialize(v, JsonSerializerOptions.Web).GetHashCode(),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!);
}

/// <summary>
/// One piece (1 MB) of an evidence file's bytes, when the files are kept in the database (Attachments:Storage=postgres);
/// written and read by <see cref="Attachments.PostgresEvidenceStorage"/> alone.
/// </summary>
public sealed class AttachmentBlobPart
{
    public required string StorageKey { get; init; }
    public int Part { get; init; }
    public required byte[] Data { get; init; }
}

/// <summary>Lets `dotnet ef` build the context without starting the service.</summary>
public sealed class TasksDbDesignTimeFactory : IDesignTimeDbContextFactory<TasksDb>
{
    public TasksDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<TasksDb>().UseNpgsql("Host=127.0.0.1;Database=duban_tasks;Username=postgres")
            .UseSnakeCaseNamingConvention().Options);
}
