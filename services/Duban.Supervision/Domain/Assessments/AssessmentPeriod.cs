namespace Duban.Supervision.Domain.Assessments;

public enum AssessmentPeriodKind
{
    Quarter = 1,
    Half = 2,
    Year = 3,
}

/// <summary>A span of calendar days units are assessed (考核) over: a quarter, a half or a year, both ends inclusive.</summary>
public sealed record AssessmentPeriod
{
    private AssessmentPeriod(AssessmentPeriodKind kind, int year, int number, DateOnly start, DateOnly end)
    {
        Kind = kind;
        Year = year;
        Number = number;
        Start = start;
        End = end;
    }

    public AssessmentPeriodKind Kind { get; }
    public int Year { get; }

    /// <summary>The quarter (1–4) or half (1–2); 1 for a year.</summary>
    public int Number { get; }

    public DateOnly Start { get; }
    public DateOnly End { get; }

    public static AssessmentPeriod Quarter(int year, int quarter)
    {
        CheckYear(year);
        if (quarter is < 1 or > 4)
            throw new ArgumentOutOfRangeException(nameof(quarter), quarter, "A quarter is 1 to 4.");
        var start = new DateOnly(year, 3 * quarter - 2, 1);
        return new(AssessmentPeriodKind.Quarter, year, quarter, start, start.AddMonths(3).AddDays(-1));
    }

    public static AssessmentPeriod Half(int year, int half)
    {
        CheckYear(year);
        if (half is < 1 or > 2)
            throw new ArgumentOutOfRangeException(nameof(half), half, "A half is 1 or 2.");
        var start = new DateOnly(year, half == 1 ? 1 : 7, 1);
        return new(AssessmentPeriodKind.Half, year, half, start, start.AddMonths(6).AddDays(-1));
    }

    /// <summary>Reads "2026-Q4", "2026-H2" or "2026" (what <see cref="ToString"/> writes); false for anything else.</summary>
    public static bool TryParse(string? text, out AssessmentPeriod period)
    {
        period = null!;
        var t = text?.Trim() ?? "";
        if (t.Length == 4 && int.TryParse(t, out var year) && year is > 1900 and < 2200)
            period = OfYear(year);
        else if (t.Length == 7 && t[4] == '-' && int.TryParse(t[..4], out year) && year is > 1900 and < 2200 && t[6] is >= '1' and <= '4')
            period = t[5] switch
            {
                'Q' or 'q' => Quarter(year, t[6] - '0'),
                'H' or 'h' when t[6] <= '2' => Half(year, t[6] - '0'),
                _ => null!,
            };
        return period is not null;
    }

    public static AssessmentPeriod OfYear(int year)
    {
        CheckYear(year);
        return new(AssessmentPeriodKind.Year, year, 1, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
    }

    public bool Contains(DateOnly date) => date >= Start && date <= End;

    /// <summary>2026年第四季度, 2026年上半年, 2026年度.</summary>
    public string ChineseName => Kind switch
    {
        AssessmentPeriodKind.Quarter => $"{Year}年第{"一二三四"[Number - 1]}季度",
        AssessmentPeriodKind.Half => $"{Year}年{(Number == 1 ? "上" : "下")}半年",
        _ => $"{Year}年度",
    };

    /// <summary>2026-Q4, 2026-H1, 2026.</summary>
    public override string ToString() => Kind switch
    {
        AssessmentPeriodKind.Quarter => $"{Year}-Q{Number}",
        AssessmentPeriodKind.Half => $"{Year}-H{Number}",
        _ => $"{Year}",
    };

    private static void CheckYear(int year)
    {
        if (year is < 1 or > 9998)
            throw new ArgumentOutOfRangeException(nameof(year), year, "The year must lie between 1 and 9998.");
    }
}
