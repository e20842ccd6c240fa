using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notices;
using Duban.Supervision.Domain.Reviews;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Notices;

public sealed record FollowOutcome(int Paused, int Resumed, int Resolved);

/// <summary>
/// Notices follow their assignments (<see cref="NoticeTransitions"/>): the projection calls this for the assignments a
/// batch of events changed, and every scan for the assignments it reads again (all of them when it reads every row),
/// so a change missed by one is caught by the next.
/// </summary>
public static class NoticeLifecycle
{
    /// <summary>
    /// Notes an applied event: a return (退办) opens a new supervision round, so the next scan raises what is due again;
    /// a claim, a verification, a cancellation or a new deadline moves the notices of <paramref name="row"/>.
    /// </summary>
    public static void Observe(Contract.AssignmentEventType eventType, ProjectedAssignment row, bool deadlineMoved, ISet<Guid> follow)
    {
        var returned = eventType == Contract.AssignmentEventType.CompletionRejected;
        if (returned)
            row.SupervisionRound++;
        if (returned || deadlineMoved
            || row.Status is AssignmentState.CompletionRequested or AssignmentState.Completed or AssignmentState.Cancelled)
            follow.Add(row.Id);
    }

    /// <summary>Moves the notices of <paramref name="ids"/> to where their assignments' states put them.</summary>
    public static Task<FollowOutcome> FollowAsync(SupervisionDb db, Guid[] ids, DateTimeOffset at, CancellationToken ct) =>
        FollowAsync(db, "n.assignment_id = ANY($2)", ids, at, ct);

    /// <summary>Moves the notices that <paramref name="among"/> (an SQL condition on notice <c>n</c>; null: all) selects.</summary>
    public static Task<FollowOutcome> FollowAsync(SupervisionDb db, string? among, DateTimeOffset at, CancellationToken ct) =>
        FollowAsync(db, among, null, at, ct);

    private static async Task<FollowOutcome> FollowAsync(SupervisionDb db, string? among, Guid[]? ids, DateTimeOffset at, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(NoticeTransitions.ReconcileSql("$1", among), connection,
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()) { CommandTimeout = 300 };
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            if (ids is not null)
                command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            int paused = 0, resumed = 0, resolved = 0;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                switch ((NoticeStatus)reader.GetInt32(0))
                {
                    case NoticeStatus.Paused: paused++; break;
                    case NoticeStatus.Resolved: resolved++; break;
                    default: resumed++; break;
                }
            }
            return new FollowOutcome(paused, resumed, resolved);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
