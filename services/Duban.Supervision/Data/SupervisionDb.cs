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

    protected override void OnModelCreating(ModelBuilder model)
    {
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
            // Exactly once per (assignment, kind, deadline version, level), whoever scans.
            n.HasIndex(x => new { x.AssignmentId, x.Kind, x.DeadlineVersion, x.Level }).IsUnique();
            n.HasIndex(x => new { x.LeadUnitId, x.Status });
            n.HasIndex(x => x.RequestId).IsUnique();
        });

        model.Entity<Explanation>(e =>
        {
            e.ToTable("explanations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Reasons).HasMaxLength(4000);
            e.Property(x => x.DecisionRemark).HasMaxLength(4000);
            e.HasIndex(x => x.NoticeId);
            e.HasIndex(x => x.AssignmentId);
        });

        model.Entity<WeeklyReviewRecord>(r =>
        {
            r.ToTable("weekly_reviews");
            r.HasKey(x => x.Id);
            r.Property(x => x.Week).HasMaxLength(10);
            r.Property(x => x.ScopeName).HasMaxLength(200);
            r.Property(x => x.Report).HasColumnType("jsonb");
            // Triggering the same week twice, even at once, finds the first review.
            r.HasIndex(x => new { x.ScopeUnitId, x.Week }).IsUnique();
        });

        model.Entity<FeedPosition>(p =>
        {
            p.ToTable("feed_position");
            p.HasKey(x => x.Id);
            p.Property(x => x.Id).ValueGeneratedNever();
            p.HasData(new FeedPosition { Id = 1 });
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
