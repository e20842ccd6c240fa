namespace Duban.ServiceDefaults.Errors;

public static class Ids
{
    /// <summary>The id a request names in <paramref name="field"/>, or InvalidArgument on that field.</summary>
    public static Guid Parse(string id, string field) =>
        Guid.TryParse(id, out var g) ? g : throw new ValidationFailedException(field, string.IsNullOrEmpty(id) ? "must not be empty" : "is not a valid id");
}
