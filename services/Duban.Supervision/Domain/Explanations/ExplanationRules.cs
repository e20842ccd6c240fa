namespace Duban.Supervision.Domain.Explanations;

/// <summary>情况说明: who may decide one.</summary>
public static class ExplanationRules
{
    /// <summary>
    /// Separation of duties: the person who submitted an explanation never accepts or returns it, whatever roles they
    /// hold (a lead who is also in the office). An explanation whose submitter is unknown, or a caller who is no person,
    /// cannot be the same person.
    /// </summary>
    public static bool MayDecide(Guid? submittedBy, string deciderPersonId) =>
        submittedBy is not { } submitter || !Guid.TryParse(deciderPersonId, out var decider) || submitter != decider;
}
