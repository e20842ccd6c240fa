using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class ReadScopeRulesTests
{
    // park ─ bureau ─ team; park ─ street; helper is elsewhere.
    private static readonly Guid Park = Guid.NewGuid(), Bureau = Guid.NewGuid(), Team = Guid.NewGuid(), Street = Guid.NewGuid(), Helper = Guid.NewGuid();

    private static readonly IReadOnlyDictionary<Guid, IReadOnlyCollection<Guid>> Ancestors = new Dictionary<Guid, IReadOnlyCollection<Guid>>
    {
        [Park] = [], [Bureau] = [Park], [Team] = [Park, Bureau], [Street] = [Park], [Helper] = [],
    };

    private static Assignment Work(Guid assigning, Guid lead, params Guid[] coUnits) => new()
    {
        Id = Guid.NewGuid(), Title = "事项", DeadlineKind = DeadlineKind.Fixed, DeadlineText = "年底前", TimeZone = "Asia/Shanghai",
        AssigningUnitId = assigning, LeadUnitId = lead, CoUnitIds = coUnits,
    };

    private static Caller As(string unit, params string[] roles) => new(Guid.NewGuid().ToString(), unit, roles.ToHashSet(StringComparer.Ordinal));

    private static IReadOnlySet<Guid> SubtreeOf(Guid unit) =>
        Ancestors.Where(p => p.Key == unit || p.Value.Contains(unit)).Select(p => p.Key).ToHashSet();

    [Fact]
    public void The_office_and_services_read_everything()
    {
        Assert.True(AssignmentPermissions.ReadScopeOf(As("", DubanRoles.Office)).IsEverything);
        Assert.True(AssignmentPermissions.ReadScopeOf(As("", DubanRoles.Service)).IsEverything);
        Assert.True(AssignmentPermissions.ReadScopeOf(As(Bureau.ToString(), DubanRoles.Lead, DubanRoles.Office)).IsEverything);
    }

    [Fact]
    public void Leads_and_staff_read_below_their_unit()
    {
        Assert.Equal(Bureau, AssignmentPermissions.ReadScopeOf(As(Bureau.ToString(), DubanRoles.Lead)).Unit);
        Assert.Equal(Team, AssignmentPermissions.ReadScopeOf(As(Team.ToString(), DubanRoles.Staff)).Unit);
    }

    [Theory]
    [InlineData(DubanRoles.Scheduler, true)]
    [InlineData(null, true)]
    [InlineData(DubanRoles.Lead, false)]
    public void Schedulers_roleless_tokens_and_units_without_an_id_read_nothing(string? role, bool withUnit)
    {
        var caller = As(withUnit ? Bureau.ToString() : "", role is null ? [] : [role]);
        Assert.Throws<PermissionDeniedException>(() => AssignmentPermissions.ReadScopeOf(caller));
    }

    [Fact]
    public void Only_the_office_and_services_read_the_feed()
    {
        AssignmentPermissions.CheckReadFeed(As("", DubanRoles.Service));
        AssignmentPermissions.CheckReadFeed(As("", DubanRoles.Office));
        foreach (var role in new[] { DubanRoles.Lead, DubanRoles.Staff, DubanRoles.Scheduler })
            Assert.Throws<PermissionDeniedException>(() => AssignmentPermissions.CheckReadFeed(As(Park.ToString(), role)));
    }

    public static TheoryData<string, Guid, bool> Cases()
    {
        var data = new TheoryData<string, Guid, bool>();
        // The bureau's assignment, from the park, helped by another unit.
        data.Add("bureau", Park, true);
        data.Add("bureau", Bureau, true);
        data.Add("bureau", Team, false);
        data.Add("bureau", Helper, true);
        data.Add("bureau", Street, false);
        // The team's, decomposed by the bureau.
        data.Add("team", Park, true);
        data.Add("team", Bureau, true);
        data.Add("team", Team, true);
        data.Add("team", Street, false);
        data.Add("team", Helper, false);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void A_unit_reads_what_it_or_a_unit_below_it_leads_assigned_or_helps_with(string which, Guid reader, bool expected)
    {
        var work = which == "bureau" ? Work(Park, Bureau, Helper) : Work(Bureau, Team);
        var scope = ReadScope.Below(reader);
        Assert.Equal(expected, scope.Covers(work, SubtreeOf(reader)));
        // A single read decides from the ancestors of the assignment's units, and must agree.
        Assert.Equal(expected, scope.Covers(work, Ancestors));
    }

    [Fact]
    public void A_unit_the_directory_does_not_know_counts_as_outside()
    {
        var work = Work(Guid.NewGuid(), Guid.NewGuid());
        Assert.False(ReadScope.Below(Park).Covers(work, Ancestors));
        Assert.True(ReadScope.Everything.Covers(work, Ancestors));
    }
}
