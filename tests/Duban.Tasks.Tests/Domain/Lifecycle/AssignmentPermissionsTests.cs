using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Xunit;

namespace Duban.Tasks.Tests.Domain.Lifecycle;

public class AssignmentPermissionsTests
{
    private static readonly Guid Issuer = Guid.NewGuid();
    private static readonly Guid LeadUnit = Guid.NewGuid();
    private static readonly Guid OtherUnit = Guid.NewGuid();

    private static readonly Assignment Work = new()
    {
        Id = Guid.NewGuid(),
        Title = "推进产业项目落地",
        DeadlineKind = DeadlineKind.Fixed,
        DeadlineText = "年底前",
        DueDate = new DateOnly(2023, 12, 31),
        TimeZone = "Asia/Shanghai",
        AssigningUnitId = Issuer,
        LeadUnitId = LeadUnit,
        CoUnitIds = [OtherUnit],
    };

    private static Caller As(Guid unit, params string[] roles) =>
        new(Guid.NewGuid().ToString(), unit.ToString(), roles.ToHashSet(StringComparer.Ordinal));

    private static Caller OfficeCaller => As(Issuer, DubanRoles.Office);

    private static void AssertAllowed(Action check) => check();

    private static void AssertDenied(Action check, string message) =>
        Assert.Equal(message, Assert.Throws<PermissionDeniedException>(check).Message);

    [Fact]
    public void Only_the_office_imports_plans()
    {
        AssertAllowed(() => AssignmentPermissions.CheckImport(OfficeCaller));
        AssertDenied(() => AssignmentPermissions.CheckImport(As(Issuer, DubanRoles.Lead)), "only the supervision office imports plans");
        AssertDenied(() => AssignmentPermissions.CheckImport(As(Issuer, DubanRoles.Staff)), "only the supervision office imports plans");
    }

    [Fact]
    public void The_office_decomposes_plan_items_and_units_do_not()
    {
        AssertAllowed(() => AssignmentPermissions.CheckDecompose(OfficeCaller, null));
        AssertDenied(() => AssignmentPermissions.CheckDecompose(As(LeadUnit, DubanRoles.Lead), null),
            "only the supervision office decomposes plan items");
    }

    [Fact]
    public void The_lead_units_lead_decomposes_its_own_assignment()
    {
        AssertAllowed(() => AssignmentPermissions.CheckDecompose(As(LeadUnit, DubanRoles.Lead), Work));
        AssertAllowed(() => AssignmentPermissions.CheckDecompose(OfficeCaller, Work));
    }

    [Fact]
    public void Staff_and_leads_of_other_units_do_not_decompose_an_assignment()
    {
        AssertDenied(() => AssignmentPermissions.CheckDecompose(As(LeadUnit, DubanRoles.Staff), Work),
            "only the lead unit's lead decomposes its assignment");
        AssertDenied(() => AssignmentPermissions.CheckDecompose(As(OtherUnit, DubanRoles.Lead), Work),
            "only the lead unit's lead decomposes its assignment");
    }

    [Theory]
    [InlineData(DubanRoles.Lead)]
    [InlineData(DubanRoles.Staff)]
    public void Members_of_the_lead_unit_accept_and_report_progress(string role)
    {
        AssertAllowed(() => AssignmentPermissions.CheckAccept(As(LeadUnit, role), Work));
        AssertAllowed(() => AssignmentPermissions.CheckReportProgress(As(LeadUnit, role), Work));
    }

    [Fact]
    public void The_office_may_accept_and_report_progress_for_a_unit()
    {
        AssertAllowed(() => AssignmentPermissions.CheckAccept(OfficeCaller, Work));
        AssertAllowed(() => AssignmentPermissions.CheckReportProgress(OfficeCaller, Work));
    }

    [Theory]
    [InlineData(DubanRoles.Lead)]
    [InlineData(DubanRoles.Staff)]
    public void A_co_unit_neither_accepts_nor_reports_progress(string role)
    {
        AssertDenied(() => AssignmentPermissions.CheckAccept(As(OtherUnit, role), Work), "only the lead unit accepts its assignment");
        AssertDenied(() => AssignmentPermissions.CheckReportProgress(As(OtherUnit, role), Work), "only the lead unit's staff report progress");
    }

    [Fact]
    public void A_lead_unit_caller_with_no_unit_role_neither_accepts_nor_reports_progress()
    {
        AssertDenied(() => AssignmentPermissions.CheckAccept(As(LeadUnit, DubanRoles.Scheduler), Work), "only the lead unit accepts its assignment");
        AssertDenied(() => AssignmentPermissions.CheckReportProgress(As(LeadUnit), Work), "only the lead unit's staff report progress");
    }

    [Fact]
    public void The_lead_units_lead_confirms_completion()
    {
        AssertAllowed(() => AssignmentPermissions.CheckConfirmCompletion(As(LeadUnit, DubanRoles.Lead), Work));
        AssertAllowed(() => AssignmentPermissions.CheckConfirmCompletion(As(LeadUnit, DubanRoles.Staff, DubanRoles.Lead), Work));
    }

    [Fact]
    public void The_lead_of_another_unit_is_refused_confirmation()
    {
        AssertDenied(() => AssignmentPermissions.CheckConfirmCompletion(As(OtherUnit, DubanRoles.Lead), Work),
            "only the lead unit's lead confirms completion");
    }

    [Fact]
    public void Staff_of_the_lead_unit_cannot_confirm_completion()
    {
        AssertDenied(() => AssignmentPermissions.CheckConfirmCompletion(As(LeadUnit, DubanRoles.Staff), Work),
            "only the lead unit's lead confirms completion");
    }

    [Fact]
    public void The_office_cannot_confirm_completion_for_a_unit()
    {
        AssertDenied(() => AssignmentPermissions.CheckConfirmCompletion(OfficeCaller, Work), "only the lead unit's lead confirms completion");
        AssertDenied(() => AssignmentPermissions.CheckConfirmCompletion(As(Issuer, DubanRoles.Office, DubanRoles.Lead), Work),
            "only the lead unit's lead confirms completion");
    }

    [Fact]
    public void The_office_verifies_and_decides()
    {
        AssertAllowed(() => AssignmentPermissions.CheckOfficeDecision(OfficeCaller, "verifies completion"));
    }

    [Theory]
    [InlineData(DubanRoles.Lead)]
    [InlineData(DubanRoles.Staff)]
    public void The_lead_unit_cannot_verify_its_own_work(string role)
    {
        AssertDenied(() => AssignmentPermissions.CheckOfficeDecision(As(LeadUnit, role), "verifies completion"),
            "only the supervision office verifies completion");
    }

    [Fact]
    public void Only_the_lead_units_lead_requests_an_extension()
    {
        AssertAllowed(() => AssignmentPermissions.CheckRequestExtension(As(LeadUnit, DubanRoles.Lead), Work));
        AssertDenied(() => AssignmentPermissions.CheckRequestExtension(As(LeadUnit, DubanRoles.Staff), Work),
            "only the lead unit's lead requests an extension");
        AssertDenied(() => AssignmentPermissions.CheckRequestExtension(As(OtherUnit, DubanRoles.Lead), Work),
            "only the lead unit's lead requests an extension");
        AssertDenied(() => AssignmentPermissions.CheckRequestExtension(OfficeCaller, Work),
            "only the lead unit's lead requests an extension");
    }

    [Fact]
    public void The_office_or_the_assigning_units_lead_cancels()
    {
        AssertAllowed(() => AssignmentPermissions.CheckCancel(OfficeCaller, Work));
        AssertAllowed(() => AssignmentPermissions.CheckCancel(As(Issuer, DubanRoles.Lead), Work));
    }

    [Fact]
    public void Neither_the_lead_unit_nor_the_assigning_units_staff_cancels()
    {
        AssertDenied(() => AssignmentPermissions.CheckCancel(As(LeadUnit, DubanRoles.Lead), Work), "only the issuer cancels an assignment");
        AssertDenied(() => AssignmentPermissions.CheckCancel(As(Issuer, DubanRoles.Staff), Work), "only the issuer cancels an assignment");
    }
}
