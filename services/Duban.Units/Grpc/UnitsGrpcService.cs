using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Units.Data;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Contract = Duban.Contracts.Units.V1;

namespace Duban.Units.Grpc;

/// <summary>
/// The units API. Anyone with a token may read; only the supervision office changes the tree, people
/// and roles.
/// </summary>
public sealed class UnitsGrpcService(UnitStore units, PeopleStore people, NameResolver resolver, CollectiveStore collectives,
    NotificationTargets targets)
    : Contract.UnitsService.UnitsServiceBase
{
    public override async Task<Contract.ListLevelsResponse> ListLevels(Contract.ListLevelsRequest request, ServerCallContext context) =>
        new() { Levels = { (await units.ListLevelsAsync(context.CancellationToken)).Select(l => l.ToContract()) } };

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Level> CreateLevel(Contract.CreateLevelRequest request, ServerCallContext context)
    {
        var level = request.Level ?? throw new ValidationFailedException("level", "must be given");
        return (await units.CreateLevelAsync(level.Code, level.Name, level.Rank, context.CancellationToken)).ToContract();
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Unit> CreateUnit(Contract.CreateUnitRequest request, ServerCallContext context)
    {
        var unit = await units.CreateUnitAsync(new NewUnit(request.Code.Trim(), request.Name, request.ShortName, request.Aliases,
            request.LevelCode.Trim(), request.ParentId.Trim(), request.Kind, request.TimeZone.Trim(), request.RequestId.Trim()),
            context.CancellationToken);
        return unit.ToContract();
    }

    public override async Task<Contract.Unit> GetUnit(Contract.GetUnitRequest request, ServerCallContext context) =>
        (await units.GetUnitAsync(request.Id, context.CancellationToken)).ToContract();

    public override async Task<Contract.BatchGetUnitsResponse> BatchGetUnits(Contract.BatchGetUnitsRequest request, ServerCallContext context)
    {
        if (!request.AllowMissing)
            return new() { Units = { (await units.BatchGetAsync(request.Ids, context.CancellationToken)).Select(u => u.ToContract()) } };
        var (found, missing) = await units.BatchGetAllowingMissingAsync(request.Ids, context.CancellationToken);
        return new() { Units = { found.Select(u => u.ToContract()) }, MissingIds = { missing } };
    }

    public override async Task<Contract.ListUnitsResponse> ListUnits(Contract.ListUnitsRequest request, ServerCallContext context)
    {
        var page = await units.ListUnitsAsync(new UnitQuery(request.ParentId.Trim(), request.LevelCode.Trim(),
            UnitMapping.ToDomain(request.Status), request.NameContains, request.RootsOnly, request.PageSize, request.PageToken),
            context.CancellationToken);
        return new() { Units = { page.Items.Select(u => u.ToContract()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Unit> UpdateUnit(Contract.UpdateUnitRequest request, ServerCallContext context)
    {
        var unit = request.Unit ?? throw new ValidationFailedException("unit", "must be given");
        var paths = request.UpdateMask?.Paths.ToHashSet() ?? [];
        var allowed = new HashSet<string> { "name", "short_name", "aliases", "kind", "level_code", "time_zone" };
        var violations = new Violations();
        if (paths.Count == 0)
            violations.Add("update_mask", "must name the fields to change: " + string.Join(", ", allowed));
        foreach (var path in paths.Where(p => !allowed.Contains(p)))
            violations.Add("update_mask", $"'{path}' cannot be updated here (use MoveUnit for the parent, ArchiveUnit for the status)");
        violations.ThrowIfAny();

        var changes = new UnitChanges(unit.Id, unit.Version,
            paths.Contains("name") ? unit.Name : null,
            paths.Contains("short_name") ? unit.ShortName : null,
            paths.Contains("aliases") ? unit.Aliases : null,
            paths.Contains("kind") ? unit.Kind : null,
            paths.Contains("level_code") ? unit.LevelCode.Trim() : null,
            paths.Contains("time_zone") ? unit.TimeZone.Trim() : null);
        return (await units.UpdateUnitAsync(changes, context.CancellationToken)).ToContract();
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Unit> MoveUnit(Contract.MoveUnitRequest request, ServerCallContext context) =>
        (await units.MoveUnitAsync(request.Id, request.NewParentId.Trim(), request.Version, context.CancellationToken)).ToContract();

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Unit> ArchiveUnit(Contract.ArchiveUnitRequest request, ServerCallContext context) =>
        (await units.ArchiveUnitAsync(request.Id, request.Version, context.CancellationToken)).ToContract();

    public override async Task<Contract.ListAncestorsResponse> ListAncestors(Contract.ListAncestorsRequest request, ServerCallContext context) =>
        new() { Units = { (await units.ListAncestorsAsync(request.Id, context.CancellationToken)).Select(u => u.ToContract()) } };

    public override async Task<Contract.ListDescendantsResponse> ListDescendants(Contract.ListDescendantsRequest request, ServerCallContext context)
    {
        if (!System.Enum.IsDefined(request.View))
            throw new ValidationFailedException("view", $"{(int)request.View} is not a view: UNIT_VIEW_FULL or UNIT_VIEW_BASIC (unset is the full view)");
        var basic = request.View == Contract.UnitView.Basic;
        var page = await units.ListDescendantsAsync(request.Id, request.PageSize, request.PageToken, request.IncludeArchived,
            withNames: !basic, context.CancellationToken);
        return new()
        {
            Units = { page.Items.Select(u => basic ? u.ToBasicContract() : u.ToContract()) },
            NextPageToken = page.NextPageToken,
            TotalSize = page.TotalSize,
        };
    }

    public override async Task<Contract.ResolveUnitNamesResponse> ResolveUnitNames(Contract.ResolveUnitNamesRequest request, ServerCallContext context)
    {
        var results = await resolver.ResolveAsync(request.Names, request.ScopeUnitId.Trim(), request.WithinScopeOnly,
            request.MaxSuggestions, context.CancellationToken);
        return new() { Results = { results.Select(r => r.ToContract()) } };
    }

    public override async Task<Contract.Responsibility> GetResponsibility(Contract.GetResponsibilityRequest request, ServerCallContext context) =>
        (await people.GetResponsibilityAsync(request.UnitId, context.CancellationToken)).ToContract(context.GetCaller());

    public override async Task<Contract.BatchGetResponsibilityResponse> BatchGetResponsibility(Contract.BatchGetResponsibilityRequest request,
        ServerCallContext context)
    {
        var caller = context.GetCaller();
        var found = await people.GetResponsibilitiesAsync(request.UnitIds, "unit_ids", context.CancellationToken);
        return new() { Responsibilities = { found.Select(r => r.ToContract(caller)) } };
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Collective> CreateCollective(Contract.CreateCollectiveRequest request, ServerCallContext context) =>
        (await collectives.CreateAsync(new NewCollective(request.Name, request.Aliases, request.ScopeUnitId.Trim(),
            request.Members.Select(m => m.ToDomain()).ToList(), request.RequestId.Trim()), context.CancellationToken)).ToContract();

    public override async Task<Contract.Collective> GetCollective(Contract.GetCollectiveRequest request, ServerCallContext context) =>
        (await collectives.GetAsync(request.Id, context.CancellationToken)).ToContract();

    public override async Task<Contract.ListCollectivesResponse> ListCollectives(Contract.ListCollectivesRequest request, ServerCallContext context)
    {
        var page = await collectives.ListAsync(new CollectiveQuery(request.ScopeUnitId.Trim(), request.IncludeInherited, request.PageSize,
            request.PageToken), context.CancellationToken);
        return new() { Collectives = { page.Items.Select(c => c.ToContract()) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Collective> UpdateCollective(Contract.UpdateCollectiveRequest request, ServerCallContext context)
    {
        var collective = request.Collective ?? throw new ValidationFailedException("collective", "must be given");
        var paths = request.UpdateMask?.Paths.ToHashSet() ?? [];
        var allowed = new HashSet<string> { "name", "aliases", "members" };
        var violations = new Violations();
        if (paths.Count == 0)
            violations.Add("update_mask", "must name the fields to change: " + string.Join(", ", allowed));
        foreach (var path in paths.Where(p => !allowed.Contains(p)))
            violations.Add("update_mask", $"'{path}' cannot be updated (a collective keeps its scope: create one in the other scope instead)");
        violations.ThrowIfAny();

        var changes = new CollectiveChanges(collective.Id, collective.Version,
            paths.Contains("name") ? collective.Name : null,
            paths.Contains("aliases") ? collective.Aliases : null,
            paths.Contains("members") ? collective.Members.Select(m => m.ToDomain()).ToList() : null);
        return (await collectives.UpdateAsync(changes, context.CancellationToken)).ToContract();
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Empty> DeleteCollective(Contract.DeleteCollectiveRequest request, ServerCallContext context)
    {
        await collectives.DeleteAsync(request.Id, request.Version, context.CancellationToken);
        return new Empty();
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Person> CreatePerson(Contract.CreatePersonRequest request, ServerCallContext context)
    {
        var person = await people.CreatePersonAsync(new NewPerson(request.Name, request.Phone, request.Email,
            request.Roles.Select(r => r.ToDomain()).ToList(), request.RequestId.Trim(),
            request.OptedOutChannels.Select(UnitMapping.ToDomain).ToList()), context.CancellationToken);
        return person.ToContract(context.GetCaller());
    }

    public override async Task<Contract.Person> GetPerson(Contract.GetPersonRequest request, ServerCallContext context) =>
        (await people.GetPersonAsync(request.Id, context.CancellationToken)).ToContract(context.GetCaller());

    public override async Task<Contract.BatchGetPeopleResponse> BatchGetPeople(Contract.BatchGetPeopleRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var (found, missing) = await people.BatchGetAsync(request.Ids, context.CancellationToken);
        return new() { People = { found.Select(p => p.ToContract(caller)) }, MissingIds = { missing } };
    }

    public override async Task<Contract.ListPeopleResponse> ListPeople(Contract.ListPeopleRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var page = await people.ListPeopleAsync(new PeopleQuery(request.UnitId.Trim(), UnitMapping.ToDomain(request.Role),
            request.NameContains, request.PageSize, request.PageToken), context.CancellationToken);
        return new() { People = { page.Items.Select(p => p.ToContract(caller)) }, NextPageToken = page.NextPageToken };
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Person> UpdatePerson(Contract.UpdatePersonRequest request, ServerCallContext context)
    {
        var person = request.Person ?? throw new ValidationFailedException("person", "must be given");
        var paths = request.UpdateMask?.Paths.ToHashSet() ?? [];
        var allowed = new HashSet<string> { "name", "phone", "email", "active", "opted_out_channels" };
        var violations = new Violations();
        if (paths.Count == 0)
            violations.Add("update_mask", "must name the fields to change: " + string.Join(", ", allowed));
        foreach (var path in paths.Where(p => !allowed.Contains(p)))
            violations.Add("update_mask", $"'{path}' cannot be updated here (roles and oversight have their own calls)");
        violations.ThrowIfAny();

        var changes = new PersonChanges(person.Id, person.Version,
            paths.Contains("name") ? person.Name : null,
            paths.Contains("phone") ? person.Phone : null,
            paths.Contains("email") ? person.Email : null,
            paths.Contains("active") ? person.Active : null,
            paths.Contains("opted_out_channels") ? person.OptedOutChannels.Select(UnitMapping.ToDomain).ToList() : null);
        return (await people.UpdatePersonAsync(changes, context.CancellationToken)).ToContract(context.GetCaller());
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Person> AssignRole(Contract.AssignRoleRequest request, ServerCallContext context)
    {
        var role = request.Role ?? throw new ValidationFailedException("role", "must be given");
        return (await people.AssignRoleAsync(request.PersonId, role.ToDomain(), request.Version, context.CancellationToken))
            .ToContract(context.GetCaller());
    }

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Person> RevokeRole(Contract.RevokeRoleRequest request, ServerCallContext context) =>
        (await people.RevokeRoleAsync(request.PersonId, request.UnitId, UnitMapping.ToDomain(request.Role), request.Version,
            context.CancellationToken)).ToContract(context.GetCaller());

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Person> SetOversight(Contract.SetOversightRequest request, ServerCallContext context) =>
        (await people.SetOversightAsync(request.PersonId, request.UnitIds, request.Version, context.CancellationToken))
            .ToContract(context.GetCaller());

    [Authorize(Roles = DubanRoles.Office)]
    public override async Task<Contract.Unit> SetUnitRobots(Contract.SetUnitRobotsRequest request, ServerCallContext context)
    {
        var paths = request.UpdateMask?.Paths.ToHashSet() ?? [];
        var violations = new Violations();
        foreach (var path in paths.Where(p => p is not ("dingtalk" or "wecom")))
            violations.Add("update_mask", $"'{path}' is not a robot (dingtalk, wecom)");
        violations.ThrowIfAny();
        var dingTalk = paths.Contains("dingtalk")
            ? new RobotChange(request.Dingtalk?.WebhookUrl.Trim() ?? "", request.Dingtalk?.Secret ?? "") : null;
        var weCom = paths.Contains("wecom") ? new RobotChange(request.Wecom?.WebhookUrl.Trim() ?? "", "") : null;
        return (await targets.SetRobotsAsync(request.UnitId.Trim(), request.Version, dingTalk, weCom, context.CancellationToken)).ToContract();
    }

    [Authorize(Roles = DubanRoles.Service)]
    public override async Task<Contract.GetNotificationTargetsResponse> GetNotificationTargets(Contract.GetNotificationTargetsRequest request,
        ServerCallContext context)
    {
        var (found, robots) = await targets.GetAsync(request.PersonIds, request.UnitIds, context.CancellationToken);
        return new() { People = { found.Select(p => p.ToContract()) }, Units = { robots.Select(u => u.ToContract()) } };
    }
}
