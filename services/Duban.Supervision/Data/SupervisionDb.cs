using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Duban.Supervision.Data;

public sealed class SupervisionDb(DbContextOptions<SupervisionDb> options) : DbContext(options)
{
    public DbSet<ProjectedAssignment> Assignments => Set<ProjectedAssignment>();
    public DbSet<Notice> Notices => Set<Notice>();
    public DbSet<Explanation> Explanations => Set<Explanation>();
    public DbSet<WeeklyReviewRecord> WeeklyReviews => Set<WeeklyReviewRecord>();
    public DbSet<FeedPosition> FeedPositions => Set<FeedPosition>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<DocumentTemplateRecord> DocumentTemplates => Set<DocumentTemplateRecord>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<RobotSend> RobotSends => Set<RobotSend>();
    public DbSet<NotificationTemplateRecord> NotificationTemplates => Set<NotificationTemplateRecord>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<DocumentTemplateRecord>(t =>
        {
            t.ToTable("document_templates");
            t.HasKey(x => x.Id);
            t.Property(x => x.FileName).HasMaxLength(200);
            t.Property(x => x.UploadedBy).HasMaxLength(100);
            // One template in force per (scope, kind): an upload replaces it.
            t.HasIndex(x => new { x.ScopeUnitId, x.Kind }).IsUnique();
        });

        model.Entity<ProjectedAssignment>(a =>
        {
            a.ToTable("assignments");
            a.HasKey(x => x.Id);
            a.Property(x => x.Id).ValueGeneratedNever();
            a.Property(x => x.Title).HasMaxLength(2000);
            a.Property(x => x.OwnerName).HasMaxLength(100);
            a.Property(x => x.TimeZone).HasMaxLength(64);
            a.Property(x => x.Milestones).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
            a.HasIndex(x => new { x.Status, x.DueAt });
            a.HasIndex(x => x.LeadUnitId);
            // A weekly review counts each unit's open assignments from this index alone (an index-only scan).
            a.HasIndex(x => x.LeadUnitId, "ix_assignments_open_by_lead_unit").HasDatabaseName("ix_assignments_open_by_lead_unit").HasFilter("status IN (1, 2, 3)");
            // The scan's REPORT_MISSING and MILESTONE_OVERDUE statements look only at the few rows that have them.
            a.HasIndex(x => x.ReportDueDate, "ix_assignments_report_due_date").HasFilter("report_due_date IS NOT NULL");
            a.HasIndex(x => x.Id, "ix_assignments_with_milestones").HasFilter("milestones <> '[]'::jsonb");
        });

        model.Entity<Notice>(n =>
        {
            n.ToTable("notices");
            n.HasKey(x => x.Id);
            n.Property(x => x.Title).HasMaxLength(2000);
            n.Property(x => x.Message).HasMaxLength(2000);
            n.Property(x => x.RequestId).HasMaxLength(100);
            n.Property(x => x.Sequence).UseIdentityAlwaysColumn();
            n.HasIndex(x => x.Sequence).IsUnique();
            n.Property(x => x.TransactionId).HasColumnType("xid8").HasDefaultValueSql("pg_current_xact_id()").ValueGeneratedOnAdd();
            n.HasIndex(x => new { x.TransactionId, x.Sequence }).IsUnique();
            n.Property(x => x.LeadUnitName).HasMaxLength(200).HasDefaultValue("");
            n.Property(x => x.Urgency).HasComputedColumnSql(Domain.Notices.NoticeChains.UrgencySql, stored: true);
            // Exactly once per (assignment, kind, deadline version, level, round), whoever scans.
            n.HasIndex(x => new { x.AssignmentId, x.Kind, x.DeadlineVersion, x.Level, x.Round }).IsUnique();
            n.HasIndex(x => new { x.LeadUnitId, x.Status });
            n.HasIndex(x => x.RequestId).IsUnique();
            // The background work's queues, each holding only what waits: the notices still to be named, and those named
            // but not yet queued for delivery. Looking for them costs what waits, not every notice ever raised.
            n.HasIndex(x => x.Sequence, "ix_notices_awaiting_recipients").HasFilter("recipient_person_ids IS NULL").HasDatabaseName("ix_notices_awaiting_recipients");
            n.HasIndex(x => x.Sequence, "ix_notices_awaiting_queue").HasFilter("queued_at IS NULL AND recipient_person_ids IS NOT NULL").HasDatabaseName("ix_notices_awaiting_queue");
            // The scan inserts notices in SQL of its own, which names no files.
            n.Property(x => x.ReplyAttachmentIds).HasDefaultValueSql("'{}'::uuid[]");
        });

        model.Entity<Explanation>(e =>
        {
            e.ToTable("explanations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Reasons).HasMaxLength(4000);
            e.Property(x => x.DecisionRemark).HasMaxLength(4000);
            e.HasIndex(x => x.NoticeId);
            e.HasIndex(x => x.AssignmentId);
            e.Property(x => x.AttachmentIds).HasDefaultValueSql("'{}'::uuid[]");
        });

        model.Entity<WeeklyReviewRecord>(r =>
        {
            r.ToTable("weekly_reviews");
            r.HasKey(x => x.Id);
            r.Property(x => x.Week).HasMaxLength(10);
            r.Property(x => x.ScopeName).HasMaxLength(200);
            // json, not jsonb: the report is stored and read back whole, never queried inside, and a report of 5,000 units
            // is checked as json in a third of the time it takes to be parsed into jsonb.
            r.Property(x => x.Report).HasColumnType("json");
            r.Property(x => x.Revision).HasDefaultValue(1);
            r.Property(x => x.ContentHash).HasMaxLength(64);
            // Two triggers racing for the same revision store it once; the latest revision is the first row of this index.
            r.HasIndex(x => new { x.ScopeUnitId, x.Week, x.Revision }).IsUnique();
        });

        model.Entity<ScanMark>(m =>
        {
            m.ToTable("scan_marks");
            m.HasKey(x => x.AssignmentId);
            m.Property(x => x.AssignmentId).ValueGeneratedNever();
            // A scan reads only the rows whose next instant has come (or that changed) from this index.
            m.HasIndex(x => x.NextScanAt, "ix_scan_marks_next_scan_at").HasDatabaseName("ix_scan_marks_next_scan_at").HasFilter("next_scan_at IS NOT NULL");
        });

        model.Entity<ScanState>(s =>
        {
            s.ToTable("scan_state");
            s.HasKey(x => x.Id);
            s.Property(x => x.Id).ValueGeneratedNever();
            // The one row, there from the start: a scan only updates it (a first scan, with no rules recorded, reads every row).
            s.HasData(new ScanState { Id = 1 });
        });

        model.Entity<FeedPosition>(p =>
        {
            p.ToTable("feed_position");
            p.HasKey(x => x.Id);
            p.Property(x => x.Id).ValueGeneratedNever();
            p.HasData(new FeedPosition { Id = 1 });
        });

        model.Entity<WebhookSubscription>(w =>
        {
            w.ToTable("webhook_subscriptions");
            w.HasKey(x => x.Id);
            w.Property(x => x.Id).ValueGeneratedNever();
            w.Property(x => x.Name).HasMaxLength(200);
            w.Property(x => x.Url).HasMaxLength(2000);
            w.Property(x => x.Secret).HasMaxLength(200);
            w.Property(x => x.Kinds).HasColumnType("integer[]");
        });

        model.Entity<WebhookDelivery>(d =>
        {
            d.ToTable("webhook_deliveries");
            d.HasKey(x => x.Id);
            d.Property(x => x.Id).ValueGeneratedNever();
            d.Property(x => x.LastError).HasMaxLength(2000);
            d.HasOne<WebhookSubscription>().WithMany().HasForeignKey(x => x.SubscriptionId);
            d.HasOne<Notice>().WithMany().HasForeignKey(x => x.NoticeId);
            // A notice is enqueued once per subscription, and once per replay: a dispatcher that enqueues twice, or a
            // replay repeated with its request id, adds nothing.
            d.HasIndex(x => new { x.SubscriptionId, x.NoticeId, x.ReplayId }).IsUnique().AreNullsDistinct(false);
            // The senders' queue: only pending rows, by when they are due.
            d.HasIndex(x => x.NextAttemptAt).HasFilter("status = 1");
            d.HasIndex(x => new { x.SubscriptionId, x.CreatedAt, x.Id });
        });

        model.Entity<NotificationDelivery>(d =>
        {
            d.ToTable("notification_deliveries");
            d.HasKey(x => x.Id);
            d.Property(x => x.Id).ValueGeneratedNever();
            d.Property(x => x.RecipientName).HasMaxLength(200);
            d.Property(x => x.Address).HasMaxLength(254);
            d.Property(x => x.LastError).HasMaxLength(2000);
            d.HasOne<Notice>().WithMany().HasForeignKey(x => x.NoticeId);
            // At most once per (notice, channel, recipient): a second fan-out, or a second replica's, adds nothing.
            d.HasIndex(x => new { x.NoticeId, x.Channel, x.RecipientId }).IsUnique();
            // The senders' queue: only pending rows, by when they are due.
            d.HasIndex(x => x.NextAttemptAt).HasFilter("status = 1");
            d.HasIndex(x => new { x.RecipientId, x.CreatedAt, x.Id });
        });
        model.Entity<RobotSend>(r =>
        {
            r.ToTable("robot_sends");
            r.HasKey(x => new { x.Channel, x.UnitId });
        });
        model.Entity<NotificationTemplateRecord>(t =>
        {
            t.ToTable("notification_templates");
            t.HasKey(x => x.Kind);
            t.Property(x => x.Kind).ValueGeneratedNever();
            t.Property(x => x.Template).HasMaxLength(Domain.Notifications.NoticeWording.MaxTemplateLength);
            t.Property(x => x.Version).IsConcurrencyToken();
            t.Property(x => x.UpdatedBy).HasMaxLength(100);
        });
    }
}

/// <summary>Lets `dotnet ef` build the context without starting the service.</summary>
public sealed class SupervisionDbDesignTimeFactory : IDesignTimeDbContextFactory<SupervisionDb>
{
    public SupervisionDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SupervisionDb>().UseNpgsql("Host=127.0.0.1;Database=duban_supervision;Username=postgres")
            .UseSnakeCaseNamingConvention().Options);
}
