using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Evidence;

namespace Duban.Supervision.Tests.Domain;

public class EvidenceRulesTests
{
    private static readonly Guid A = Guid.CreateVersion7(), B = Guid.CreateVersion7();

    private static Notice Urging(NoticeStatus status, params Guid[] replied) =>
        new() { Id = Guid.NewGuid(), Kind = NoticeKind.Urged, Status = status, ReplyAttachmentIds = replied };

    [Fact]
    public void Ids_are_read_in_order_and_each_bad_one_is_named_by_its_place()
    {
        var violations = new Violations();
        var ids = EvidenceRules.ParseIds([A.ToString(), "现场.jpg", A.ToString(), B.ToString()], "attachment_ids", violations);

        Assert.Equal([A, B], ids);
        var refused = Assert.Throws<ValidationFailedException>(violations.ThrowIfAny);
        Assert.Equal(["attachment_ids[1]", "attachment_ids[2]"], refused.Violations.Select(v => v.Field));
    }

    [Fact]
    public void More_files_than_an_assignment_may_hold_are_refused_at_once()
    {
        var violations = new Violations();
        EvidenceRules.ParseIds(Enumerable.Range(0, EvidenceRules.MaxFiles + 1).Select(_ => Guid.NewGuid().ToString()).ToList(), "attachment_ids", violations);
        Assert.Equal("attachment_ids", Assert.Single(Assert.Throws<ValidationFailedException>(violations.ThrowIfAny).Violations).Field);
    }

    [Fact]
    public void An_urging_is_answered_once_and_a_repeat_with_the_same_files_changes_nothing()
    {
        Assert.Equal(AcknowledgeOutcome.Acknowledge, EvidenceRules.CheckAcknowledge(Urging(NoticeStatus.Open), [A]));
        Assert.Equal(AcknowledgeOutcome.Unchanged, EvidenceRules.CheckAcknowledge(Urging(NoticeStatus.Acknowledged, A, B), [B, A]));
        Assert.Equal(AcknowledgeOutcome.Unchanged, EvidenceRules.CheckAcknowledge(Urging(NoticeStatus.Acknowledged, A), []));
        Assert.Equal("ALREADY_ACKNOWLEDGED",
            Assert.Throws<FailedPreconditionException>(() => EvidenceRules.CheckAcknowledge(Urging(NoticeStatus.Acknowledged, A), [A, B])).Type);
        Assert.Equal("STATE", Assert.Throws<FailedPreconditionException>(() => EvidenceRules.CheckAcknowledge(Urging(NoticeStatus.Resolved), [A])).Type);
        Assert.Equal(AcknowledgeOutcome.Unchanged, EvidenceRules.CheckAcknowledge(Urging(NoticeStatus.Resolved), []));
    }

    [Fact]
    public void Only_an_urging_takes_files_with_its_acknowledgement()
    {
        var overdue = new Notice { Id = Guid.NewGuid(), Kind = NoticeKind.Overdue, Status = NoticeStatus.Open };
        Assert.Equal("attachment_ids", Assert.Single(Assert.Throws<ValidationFailedException>(() => EvidenceRules.CheckAcknowledge(overdue, [A])).Violations).Field);
        Assert.Equal(AcknowledgeOutcome.Acknowledge, EvidenceRules.CheckAcknowledge(overdue, []));
    }
}
