namespace Duban.Tasks.Domain;

/// <summary>Where an assignment stands: assigned → accepted (签收) → in progress → completion requested → completed.</summary>
public enum AssignmentStatus
{
    Assigned = 1,
    Accepted = 2,
    InProgress = 3,
    /// <summary>The lead unit's lead confirmed completion; the office has yet to verify it.</summary>
    CompletionRequested = 4,
    Completed = 5,
    Cancelled = 6,
}

public static class AssignmentStatusExtensions
{
    /// <summary>Not completed and not cancelled: still someone's work.</summary>
    public static bool IsOpen(this AssignmentStatus status) => status is not (AssignmentStatus.Completed or AssignmentStatus.Cancelled);

    /// <summary>Open and not yet handed to the office: the deadline still binds the unit.</summary>
    public static bool IsWorking(this AssignmentStatus status) =>
        status is AssignmentStatus.Assigned or AssignmentStatus.Accepted or AssignmentStatus.InProgress;

    public static string Chinese(this AssignmentStatus status) => status switch
    {
        AssignmentStatus.Assigned => "已交办",
        AssignmentStatus.Accepted => "已签收",
        AssignmentStatus.InProgress => "推进中",
        AssignmentStatus.CompletionRequested => "待核验",
        AssignmentStatus.Completed => "已办结",
        AssignmentStatus.Cancelled => "已撤销",
        _ => status.ToString(),
    };
}
