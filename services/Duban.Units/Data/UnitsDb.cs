using Duban.Units.Domain;
using Microsoft.EntityFrameworkCore;

namespace Duban.Units.Data;

public sealed class UnitsDb(DbContextOptions<UnitsDb> options) : DbContext(options)
{
    public DbSet<Level> Levels => Set<Level>();
    public DbSet<ResponsibilityUnit> Units => Set<ResponsibilityUnit>();
    public DbSet<UnitName> UnitNames => Set<UnitName>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<PersonRole> PersonRoles => Set<PersonRole>();
    public DbSet<Oversight> Oversights => Set<Oversight>();
    public DbSet<Collective> Collectives => Set<Collective>();
    public DbSet<CollectiveName> CollectiveNames => Set<CollectiveName>();
    public DbSet<CollectiveMember> CollectiveMembers => Set<CollectiveMember>();

    /// <summary>The levels every installation starts with; more can be added as data.</summary>
    public static readonly Level[] DefaultLevels =
    [
        new() { Code = "province", Name = "省", Rank = 10 },
        new() { Code = "city", Name = "市", Rank = 20 },
        new() { Code = "district", Name = "区/园区", Rank = 30 },
        new() { Code = "department", Name = "部门", Rank = 40 },
        new() { Code = "working_group", Name = "专班", Rank = 50 },
    ];

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasPostgresExtension("pg_trgm");
        // levenshtein(): a one-character slip in a short name, which trigrams score too low to suggest.
        model.HasPostgresExtension("fuzzystrmatch");

        model.Entity<Level>(level =>
        {
            level.ToTable("levels");
            level.HasKey(l => l.Code);
            level.Property(l => l.Code).HasColumnName("code").HasMaxLength(32);
            level.Property(l => l.Name).HasColumnName("name").HasMaxLength(50);
            level.Property(l => l.Rank).HasColumnName("rank");
            level.HasIndex(l => l.Rank).IsUnique();
            level.HasData(DefaultLevels);
        });

        model.Entity<ResponsibilityUnit>(unit =>
        {
            unit.ToTable("units");
            unit.HasKey(u => u.Id);
            unit.Property(u => u.Id).HasColumnName("id");
            unit.Property(u => u.Code).HasColumnName("code").HasMaxLength(64);
            unit.Property(u => u.Name).HasColumnName("name").HasMaxLength(UnitRules.MaxNameLength);
            unit.Property(u => u.ShortName).HasColumnName("short_name").HasMaxLength(UnitRules.MaxShortNameLength);
            unit.Property(u => u.LevelCode).HasColumnName("level_code").HasMaxLength(32);
            unit.Property(u => u.ParentId).HasColumnName("parent_id");
            unit.Property(u => u.Kind).HasColumnName("kind").HasMaxLength(UnitRules.MaxKindLength);
            unit.Property(u => u.Status).HasColumnName("status");
            unit.Property(u => u.Version).HasColumnName("version").IsConcurrencyToken();
            unit.Property(u => u.Path).HasColumnName("path").HasMaxLength(2048);
            unit.Property(u => u.Depth).HasColumnName("depth");
            unit.Property(u => u.TimeZone).HasColumnName("time_zone").HasMaxLength(64);
            unit.Property(u => u.CreateRequestId).HasColumnName("create_request_id").HasMaxLength(100);
            unit.Property(u => u.CreateTime).HasColumnName("create_time");
            unit.Property(u => u.UpdateTime).HasColumnName("update_time");
            unit.Property(u => u.DingTalkWebhookUrl).HasColumnName("dingtalk_webhook_url").HasMaxLength(NotificationRules.MaxUrlLength);
            unit.Property(u => u.DingTalkSecret).HasColumnName("dingtalk_secret").HasMaxLength(NotificationRules.MaxSecretLength);
            unit.Property(u => u.WeComWebhookUrl).HasColumnName("wecom_webhook_url").HasMaxLength(NotificationRules.MaxUrlLength);
            unit.Ignore(u => u.Aliases);

            unit.HasIndex(u => u.Code).IsUnique();
            unit.HasIndex(u => u.CreateRequestId).IsUnique();
            unit.HasIndex(u => u.ParentId);
            // Prefix scans (path LIKE '/a/b/%') for whole subtrees.
            unit.HasIndex(u => u.Path).IsUnique().HasOperators("text_pattern_ops");
            unit.HasOne<Level>().WithMany().HasForeignKey(u => u.LevelCode).OnDelete(DeleteBehavior.Restrict);
            unit.HasOne<ResponsibilityUnit>().WithMany().HasForeignKey(u => u.ParentId).OnDelete(DeleteBehavior.Restrict);
            unit.HasMany(u => u.Names).WithOne().HasForeignKey(n => n.UnitId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<UnitName>(name =>
        {
            name.ToTable("unit_names");
            name.HasKey(n => new { n.UnitId, n.Kind, n.Normalized });
            name.Property(n => n.UnitId).HasColumnName("unit_id");
            name.Property(n => n.Kind).HasColumnName("kind");
            name.Property(n => n.Text).HasColumnName("text").HasMaxLength(UnitRules.MaxNameLength);
            name.Property(n => n.Normalized).HasColumnName("normalized").HasMaxLength(UnitRules.MaxNameLength);
            name.HasIndex(n => n.Normalized, "IX_unit_names_normalized");
            // An alias names one unit only.
            name.HasIndex(n => n.Normalized, "IX_unit_names_alias_unique").IsUnique().HasFilter("kind = 3");
            // Trigram similarity for suggestions on names that match nothing.
            name.HasIndex(n => n.Normalized, "IX_unit_names_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        });

        model.Entity<Person>(person =>
        {
            person.ToTable("people");
            person.HasKey(p => p.Id);
            person.Property(p => p.Id).HasColumnName("id");
            person.Property(p => p.Name).HasColumnName("name").HasMaxLength(UnitRules.MaxNameLength);
            person.Property(p => p.Phone).HasColumnName("phone").HasMaxLength(32);
            person.Property(p => p.Email).HasColumnName("email").HasMaxLength(254);
            person.Property(p => p.Active).HasColumnName("active");
            person.Property(p => p.OptedOutChannels).HasColumnName("opted_out_channels");
            person.Property(p => p.Version).HasColumnName("version").IsConcurrencyToken();
            person.Property(p => p.CreateRequestId).HasColumnName("create_request_id").HasMaxLength(100);
            person.Property(p => p.CreateTime).HasColumnName("create_time");
            person.Property(p => p.UpdateTime).HasColumnName("update_time");
            person.HasIndex(p => p.CreateRequestId).IsUnique();
            person.HasIndex(p => p.Name);
            person.HasMany(p => p.Roles).WithOne().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
            person.HasMany(p => p.Oversights).WithOne().HasForeignKey(o => o.PersonId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<PersonRole>(role =>
        {
            role.ToTable("person_roles");
            role.HasKey(r => new { r.PersonId, r.UnitId, r.Role });
            role.Property(r => r.PersonId).HasColumnName("person_id");
            role.Property(r => r.UnitId).HasColumnName("unit_id");
            role.Property(r => r.Role).HasColumnName("role");
            role.Property(r => r.Title).HasColumnName("title").HasMaxLength(50);
            role.HasIndex(r => new { r.UnitId, r.Role });
            role.HasOne<ResponsibilityUnit>().WithMany().HasForeignKey(r => r.UnitId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<Oversight>(oversight =>
        {
            oversight.ToTable("oversights");
            oversight.HasKey(o => new { o.PersonId, o.UnitId });
            oversight.Property(o => o.PersonId).HasColumnName("person_id");
            oversight.Property(o => o.UnitId).HasColumnName("unit_id");
            oversight.HasIndex(o => o.UnitId);
            oversight.HasOne<ResponsibilityUnit>().WithMany().HasForeignKey(o => o.UnitId).OnDelete(DeleteBehavior.Restrict);
        });

        model.Entity<Collective>(collective =>
        {
            collective.ToTable("collectives");
            collective.HasKey(c => c.Id);
            collective.Property(c => c.Id).HasColumnName("id");
            collective.Property(c => c.Name).HasColumnName("name").HasMaxLength(UnitRules.MaxNameLength);
            collective.Property(c => c.ScopeUnitId).HasColumnName("scope_unit_id");
            collective.Property(c => c.Version).HasColumnName("version").IsConcurrencyToken();
            collective.Property(c => c.CreateRequestId).HasColumnName("create_request_id").HasMaxLength(100);
            collective.Property(c => c.CreateTime).HasColumnName("create_time");
            collective.Property(c => c.UpdateTime).HasColumnName("update_time");
            collective.Ignore(c => c.Aliases);
            collective.HasIndex(c => c.ScopeUnitId);
            collective.HasIndex(c => c.CreateRequestId).IsUnique();
            collective.HasOne<ResponsibilityUnit>().WithMany().HasForeignKey(c => c.ScopeUnitId).OnDelete(DeleteBehavior.Restrict);
            collective.HasMany(c => c.Names).WithOne().HasForeignKey(n => n.CollectiveId).OnDelete(DeleteBehavior.Cascade);
            collective.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.CollectiveId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<CollectiveName>(name =>
        {
            name.ToTable("collective_names");
            name.HasKey(n => new { n.CollectiveId, n.Kind, n.Normalized });
            name.Property(n => n.CollectiveId).HasColumnName("collective_id");
            name.Property(n => n.ScopeUnitId).HasColumnName("scope_unit_id");
            name.Property(n => n.Kind).HasColumnName("kind");
            name.Property(n => n.Text).HasColumnName("text").HasMaxLength(UnitRules.MaxNameLength);
            name.Property(n => n.Normalized).HasColumnName("normalized").HasMaxLength(UnitRules.MaxNameLength);
            name.HasIndex(n => n.Normalized, "IX_collective_names_normalized");
            // Within one scope a name or alias means one collective.
            name.HasIndex(n => new { n.ScopeUnitId, n.Normalized }, "IX_collective_names_scope_unique").IsUnique();
        });

        model.Entity<CollectiveMember>(member =>
        {
            member.ToTable("collective_members");
            member.HasKey(m => new { m.CollectiveId, m.Position });
            member.Property(m => m.CollectiveId).HasColumnName("collective_id");
            member.Property(m => m.Position).HasColumnName("position");
            member.Property(m => m.Kind).HasColumnName("kind");
            member.Property(m => m.UnitId).HasColumnName("unit_id");
            member.Property(m => m.MemberCollectiveId).HasColumnName("member_collective_id");
            member.Property(m => m.LevelCode).HasColumnName("level_code").HasMaxLength(32);
            member.Property(m => m.UnitKind).HasColumnName("unit_kind").HasMaxLength(UnitRules.MaxKindLength);
            member.HasIndex(m => m.UnitId);
            member.HasIndex(m => m.MemberCollectiveId);
            member.HasOne<ResponsibilityUnit>().WithMany().HasForeignKey(m => m.UnitId).OnDelete(DeleteBehavior.Restrict);
            // A collective another one contains is not deleted from under it (DeleteCollective says which holds it).
            member.HasOne<Collective>().WithMany().HasForeignKey(m => m.MemberCollectiveId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}

/// <summary>Lets `dotnet ef` build the context without starting the service.</summary>
public sealed class UnitsDbDesignTimeFactory : Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory<UnitsDb>
{
    public UnitsDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<UnitsDb>().UseNpgsql("Host=127.0.0.1;Database=duban_units;Username=postgres").Options);
}
