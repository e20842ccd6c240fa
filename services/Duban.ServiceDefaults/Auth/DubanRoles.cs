namespace Duban.ServiceDefaults.Auth;

/// <summary>The roles a Duban token can carry, in the "roles" claim.</summary>
public static class DubanRoles
{
    /// <summary>督查室: the supervision office; manages units, plans and verification.</summary>
    public const string Office = "office";
    /// <summary>责任单位负责人: a unit's lead or deputy.</summary>
    public const string Lead = "lead";
    /// <summary>Staff of a unit: reports progress.</summary>
    public const string Staff = "staff";
    /// <summary>Cron jobs and timers: trigger reviews and scans only.</summary>
    public const string Scheduler = "scheduler";
    /// <summary>Another Duban service calling on its own behalf.</summary>
    public const string Service = "service";

    public static readonly IReadOnlyList<string> All = [Office, Lead, Staff, Scheduler, Service];
}

/// <summary>Claim types of a Duban token.</summary>
public static class DubanClaims
{
    public const string PersonId = "sub";
    public const string UnitId = "unit";
    public const string Roles = "roles";
    public const string Name = "name";
}
