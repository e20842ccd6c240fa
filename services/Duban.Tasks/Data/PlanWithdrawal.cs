using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Microsoft.EntityFrameworkCore;

namespace Duban.Tasks.Data;

/// <summary>
/// 撤回: withdraws a plan in one transaction — the plan marked withdrawn (<see cref="Plan.Withdraw"/>) and every open
/// assignment cancelled with the reason, each cancellation in the assignment's history and on the feed.
/// </summary>
public sealed class PlanWithdrawal(TasksDb db, AssignmentStore store, TimeProvider time)
{
    public async Task<(Plan Plan, int Cancelled)> WithdrawAsync(string id, string reason, bool force, Caller caller, CancellationToken ct)
    {
        AssignmentPermissions.CheckWithdrawPlan(caller);
        new Violations().RequireText(reason, "reason", Plan.MaxWithdrawReasonLength).ThrowIfAny();
        var planId = Ids.Parse(id, "id");

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The plan's row first: a second withdrawal of the same plan waits here and then finds it withdrawn.
        var plan = await db.Plans.FromSql($"SELECT * FROM plans WHERE id = {planId} FOR UPDATE").SingleOrDefaultAsync(ct)
            ?? throw new NotFoundException("plan", id);
        var open = await db.Assignments.Where(a => a.PlanId == planId
            && a.Status != AssignmentStatus.Completed && a.Status != AssignmentStatus.Cancelled).ToListAsync(ct);
        var now = time.GetStoredUtcNow();
        plan.Withdraw(reason, open.Count(a => a.Status == AssignmentStatus.CompletionRequested), force, now);

        // Every assignment of a plan, decomposed ones included, belongs to the plan: no roll-up outside it is left to do.
        var actor = AssignmentStore.ActorOf(caller);
        foreach (var assignment in open)
        {
            store.Record(assignment, assignment.Cancel(actor, $"计划撤回：{plan.WithdrawReason}", now));
            assignment.OpenChildCount = 0;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (plan, open.Count);
    }
}
