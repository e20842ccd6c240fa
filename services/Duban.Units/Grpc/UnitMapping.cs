using Duban.ServiceDefaults.Auth;
using Duban.Units.Data;
using Duban.Units.Domain;
using Google.Protobuf.WellKnownTypes;
using Contract = Duban.Contracts.Units.V1;

namespace Duban.Units.Grpc;

/// <summary>Domain values to and from their wire form.</summary>
internal static class UnitMapping
{
    /// <summary>The full view: the unit's own columns (<see cref="ToBasicContract"/>) with its aliases, ancestors, times and robots.</summary>
    public static Contract.Unit ToContract(this ResponsibilityUnit unit)
    {
        var contract = unit.ToBasicContract();
        contract.Aliases.Add(unit.Aliases);
        contract.CreateTime = Timestamp.FromDateTimeOffset(unit.CreateTime);
        contract.UpdateTime = Timestamp.FromDateTimeOffset(unit.UpdateTime);
        contract.AncestorIds.Add(UnitPath.Ids(unit.Path).SkipLast(1).Select(id => id.ToString()));
        // Tokens and secrets stay in the database: reads say only where the robot is and that it is set.
        contract.DingtalkRobot = unit.DingTalkWebhookUrl.Length == 0 ? null
            : new Contract.DingTalkRobot { WebhookAddress = NotificationRules.Address(unit.DingTalkWebhookUrl), SecretSet = unit.DingTalkSecret.Length > 0 };
        contract.WecomRobot = unit.WeComWebhookUrl.Length == 0 ? null
            : new Contract.WeComRobot { WebhookAddress = NotificationRules.Address(unit.WeComWebhookUrl), KeySet = true };
        return contract;
    }

    /// <summary>The unit's own columns only (<c>UNIT_VIEW_BASIC</c>): no aliases, ancestors, times or robots.</summary>
    public static Contract.Unit ToBasicContract(this ResponsibilityUnit unit) => new()
    {
        Id = unit.Id.ToString(),
        Code = unit.Code,
        Name = unit.Name,
        ShortName = unit.ShortName,
        LevelCode = unit.LevelCode,
        ParentId = unit.ParentId?.ToString() ?? "",
        Kind = unit.Kind,
        Status = unit.Status == UnitStatus.Active ? Contract.UnitStatus.Active : Contract.UnitStatus.Archived,
        Version = unit.Version,
        Depth = unit.Depth,
        TimeZone = unit.TimeZone,
    };

    public static Contract.NotificationChannel ToContract(NotificationChannel channel) => channel switch
    {
        NotificationChannel.Email => Contract.NotificationChannel.Email,
        NotificationChannel.Sms => Contract.NotificationChannel.Sms,
        NotificationChannel.DingTalk => Contract.NotificationChannel.Dingtalk,
        NotificationChannel.WeCom => Contract.NotificationChannel.Wecom,
        _ => Contract.NotificationChannel.Unspecified,
    };

    public static NotificationChannel? ToDomain(Contract.NotificationChannel channel) => channel switch
    {
        Contract.NotificationChannel.Email => NotificationChannel.Email,
        Contract.NotificationChannel.Sms => NotificationChannel.Sms,
        Contract.NotificationChannel.Dingtalk => NotificationChannel.DingTalk,
        Contract.NotificationChannel.Wecom => NotificationChannel.WeCom,
        _ => null,
    };

    public static Contract.PersonTarget ToContract(this PersonReach person) => new()
    {
        PersonId = person.Id.ToString(),
        Name = person.Name,
        Email = person.Email,
        Phone = person.Phone,
        OptedOutChannels = { person.OptedOut.Select(ToContract) },
        Active = person.Active,
    };

    public static Contract.UnitRobotTargets ToContract(this UnitRobots unit) => new()
    {
        UnitId = unit.Id.ToString(),
        UnitName = unit.Name,
        DingtalkWebhookUrl = unit.DingTalkWebhookUrl,
        DingtalkSecret = unit.DingTalkSecret,
        WecomWebhookUrl = unit.WeComWebhookUrl,
    };

    public static Contract.Level ToContract(this Level level) => new() { Code = level.Code, Name = level.Name, Rank = level.Rank };

    /// <summary>Personal data (phone, e-mail) only for the office and the person themself.</summary>
    public static Contract.Person ToContract(this Person person, Caller caller)
    {
        var seesPersonalData = caller.IsOffice || caller.PersonId == person.Id.ToString();
        return new Contract.Person
        {
            Id = person.Id.ToString(),
            Name = person.Name,
            Phone = seesPersonalData ? person.Phone : "",
            Email = seesPersonalData ? person.Email : "",
            Roles = { person.Roles.OrderBy(r => r.UnitId).ThenBy(r => r.Role).Select(r => new Contract.RoleInUnit
            {
                UnitId = r.UnitId.ToString(),
                Role = ToContract(r.Role),
                Title = r.Title,
            }) },
            OverseenUnitIds = { person.Oversights.Select(o => o.UnitId.ToString()).Order() },
            Active = person.Active,
            Version = person.Version,
            OptedOutChannels = { seesPersonalData ? person.OptedOutChannels.Select(ToContract) : [] },
        };
    }

    public static Contract.Responsibility ToContract(this UnitResponsibility found, Caller caller) => new()
    {
        Unit = found.Unit.ToContract(),
        Leads = { found.Leads.Select(p => p.ToContract(caller)) },
        Deputies = { found.Deputies.Select(p => p.ToContract(caller)) },
        Contacts = { found.Contacts.Select(p => p.ToContract(caller)) },
        OverseeingLeaders = { found.OverseeingLeaders.Select(p => p.ToContract(caller)) },
        OversightFromUnitId = found.OversightFromUnitId?.ToString() ?? "",
    };

    public static Contract.UnitRole ToContract(UnitRole role) => role switch
    {
        UnitRole.Lead => Contract.UnitRole.Lead,
        UnitRole.Deputy => Contract.UnitRole.Deputy,
        UnitRole.Contact => Contract.UnitRole.Contact,
        UnitRole.Staff => Contract.UnitRole.Staff,
        _ => Contract.UnitRole.Unspecified,
    };

    public static UnitRole? ToDomain(Contract.UnitRole role) => role switch
    {
        Contract.UnitRole.Lead => UnitRole.Lead,
        Contract.UnitRole.Deputy => UnitRole.Deputy,
        Contract.UnitRole.Contact => UnitRole.Contact,
        Contract.UnitRole.Staff => UnitRole.Staff,
        _ => null,
    };

    public static UnitStatus? ToDomain(Contract.UnitStatus status) => status switch
    {
        Contract.UnitStatus.Active => UnitStatus.Active,
        Contract.UnitStatus.Archived => UnitStatus.Archived,
        _ => null,
    };

    public static RoleAssignment ToDomain(this Contract.RoleInUnit role) => new(role.UnitId, ToDomain(role.Role), role.Title);

    public static Contract.ResolvedName ToContract(this NameResolution resolution) => new()
    {
        Name = resolution.Name,
        Outcome = resolution.Outcome switch
        {
            ResolveOutcome.Matched => Contract.ResolvedName.Types.Outcome.Matched,
            ResolveOutcome.Ambiguous => Contract.ResolvedName.Types.Outcome.Ambiguous,
            ResolveOutcome.Collective => Contract.ResolvedName.Types.Outcome.Collective,
            _ => Contract.ResolvedName.Types.Outcome.NotFound,
        },
        Collective = resolution.Collective?.ToContract(),
        Unit = resolution.Unit?.ToContract(),
        Candidates = { resolution.Candidates.Select(u => u.ToContract()) },
        Suggestions = { resolution.Suggestions.Select(s => new Contract.Suggestion
        {
            Unit = s.Unit?.ToContract(),
            Collective = s.Collective?.ToContract(),
            MatchedText = s.MatchedText,
            Score = Math.Round(s.Score, 3),
        }) },
    };

    public static Contract.Collective ToContract(this ExpandedCollective expanded)
    {
        var collective = expanded.Collective.ToContract();
        collective.ExpandedUnits.AddRange(expanded.Units.Select(u => u.ToContract()));
        return collective;
    }

    /// <summary>The collective as defined, without its expansion (lists leave that to GetCollective).</summary>
    public static Contract.Collective ToContract(this Collective collective) => new()
    {
        Id = collective.Id.ToString(),
        Name = collective.Name,
        Aliases = { collective.Aliases },
        ScopeUnitId = collective.ScopeUnitId.ToString(),
        Members = { collective.Members.OrderBy(m => m.Position).Select(ToContract) },
        Version = collective.Version,
        CreateTime = Timestamp.FromDateTimeOffset(collective.CreateTime),
        UpdateTime = Timestamp.FromDateTimeOffset(collective.UpdateTime),
    };

    private static Contract.CollectiveMember ToContract(CollectiveMember member) => member.Kind switch
    {
        CollectiveMemberKind.Unit => new() { UnitId = member.UnitId.ToString() },
        CollectiveMemberKind.Collective => new() { CollectiveId = member.MemberCollectiveId.ToString() },
        _ => new() { Children = new() { ParentUnitId = member.UnitId.ToString(), LevelCode = member.LevelCode, Kind = member.UnitKind } },
    };

    public static MemberSpec ToDomain(this Contract.CollectiveMember member) => member.MemberCase switch
    {
        Contract.CollectiveMember.MemberOneofCase.UnitId => new MemberSpec(member.UnitId.Trim(), "", null),
        Contract.CollectiveMember.MemberOneofCase.CollectiveId => new MemberSpec("", member.CollectiveId.Trim(), null),
        Contract.CollectiveMember.MemberOneofCase.Children => new MemberSpec("", "",
            new ChildrenSpec(member.Children.ParentUnitId.Trim(), member.Children.LevelCode, member.Children.Kind)),
        _ => new MemberSpec("", "", null),
    };
}
