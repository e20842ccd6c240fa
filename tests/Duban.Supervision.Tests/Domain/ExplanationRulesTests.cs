using Duban.Supervision.Domain.Explanations;

namespace Duban.Supervision.Tests.Domain;

public class ExplanationRulesTests
{
    private static readonly Guid Submitter = Guid.Parse("0193a0c4-7a2e-7000-8000-000000000001");

    [Fact]
    public void The_submitter_may_not_decide_their_own_explanation()
    {
        Assert.False(ExplanationRules.MayDecide(Submitter, Submitter.ToString()));
        Assert.False(ExplanationRules.MayDecide(Submitter, Submitter.ToString().ToUpperInvariant()));
    }

    [Fact]
    public void Someone_else_may_decide_and_an_unknown_submitter_is_nobody_in_particular()
    {
        Assert.True(ExplanationRules.MayDecide(Submitter, Guid.NewGuid().ToString()));
        Assert.True(ExplanationRules.MayDecide(null, Submitter.ToString()));
        Assert.True(ExplanationRules.MayDecide(Submitter, ""));
    }
}
