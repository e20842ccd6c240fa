using System.Diagnostics.CodeAnalysis;

namespace Duban.Tasks.Domain.Deadlines;

/// <summary>Either a deadline or a problem that names what was not understood; never both.</summary>
public sealed record DeadlineParseResult
{
    private DeadlineParseResult(Deadline? deadline, string? problem)
    {
        Deadline = deadline;
        Problem = problem;
    }

    public Deadline? Deadline { get; }
    public string? Problem { get; }

    [MemberNotNullWhen(true, nameof(Deadline))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Success => Deadline is not null;

    public static DeadlineParseResult Parsed(Deadline deadline) => new(deadline, null);

    public static DeadlineParseResult Failed(string problem) => new(null, problem);
}
