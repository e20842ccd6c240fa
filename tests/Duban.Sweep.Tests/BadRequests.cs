using System.Buffers.Text;
using System.Collections;
using System.Text;
using Duban.ServiceDefaults.Validation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Duban.Sweep.Tests;

/// <summary>One request of the sweep: an RPC, the field made bad (or none), what was put there, and the wire bytes.</summary>
/// <param name="ExpectedField">The field a refusal must name; null when any clean status will do.</param>
public sealed record BadRequest(MethodDescriptor Method, string Field, string Kind, byte[] Payload, string? ExpectedField)
{
    public override string ToString() => $"{Method.Service.Name}.{Method.Name} {Field} <{Kind}>";
}

/// <summary>
/// Generates the bad requests from the contracts alone: every field of every request message, down through nested
/// messages, gets the bad values of its type. A field added to a proto is swept without a change here.
/// </summary>
public static class BadRequests
{
    private const int MaxDepth = 4;
    private const string Placeholder = "ZQXJZQXJ";
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xFF];

    public static IEnumerable<BadRequest> For(ServiceDescriptor service)
    {
        foreach (var method in service.Methods)
        {
            var input = method.InputType;
            // The empty request: whatever it means, it is answered with a status of its own.
            yield return new BadRequest(method, "", "empty request", [], null);
            foreach (var wire in MalformedWire())
                yield return new BadRequest(method, "", wire.Kind, wire.Bytes, "request");
            foreach (var request in Walk(method, input, [], 0))
                yield return request;
        }
    }

    /// <summary>Bytes that are no protobuf message of any type.</summary>
    private static IEnumerable<(string Kind, byte[] Bytes)> MalformedWire()
    {
        yield return ("truncated message", [0x7A, 0x05, 0x61]); // field 15, 5 bytes announced, 1 sent
        yield return ("invalid wire type", [0x7F]);
        yield return ("truncated varint", [0x78, 0xFF, 0xFF]);
        // Groups nested far deeper than the parser's recursion limit (100).
        yield return ("deep nesting", [.. Enumerable.Repeat((byte)0x7B, 200), .. Enumerable.Repeat((byte)0x7C, 200)]);
    }

    private static IEnumerable<BadRequest> Walk(MethodDescriptor method, MessageDescriptor type, List<FieldDescriptor> chain, int depth)
    {
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            var path = chain.Append(field).ToList();
            if (field.IsMap)
            {
                foreach (var request in MapValues(method, path))
                    yield return request;
                continue;
            }
            if (field.FieldType == FieldType.Message)
            {
                var full = field.MessageType.FullName;
                if (full == Google.Type.Date.Descriptor.FullName)
                    foreach (var (kind, date) in BadDates())
                        yield return Make(method, path, kind, date, expectRefusal: true);
                else if (full == Timestamp.Descriptor.FullName)
                    foreach (var (kind, timestamp) in BadTimestamps())
                        yield return Make(method, path, kind, timestamp, expectRefusal: true);
                else if (depth < MaxDepth && full != FieldMask.Descriptor.FullName)
                    foreach (var request in Walk(method, field.MessageType, path, depth + 1))
                        yield return request;
                continue;
            }
            foreach (var (kind, value, refused) in ScalarValues(field))
                yield return Make(method, path, kind, value, refused);
        }
    }

    private static IEnumerable<(string Kind, object Value, bool Refused)> ScalarValues(FieldDescriptor field)
    {
        switch (field.FieldType)
        {
            case FieldType.String:
                yield return ("NUL", "a\0b", true);
                yield return ("control character", "a\u0007b", true);
                yield return ("ANSI escape", "\u001b[31mred\u001b[0m", true);
                if (!RequestValidator.DocumentFields.Contains(field.Name))
                    yield return ("overlong", new string('长', RequestValidator.MaxFreeTextLength + 1), true);
                yield return ("invalid UTF-8", Placeholder, true);
                if (RequestValidator.IsIdField(field.Name))
                {
                    yield return ("garbage id", "not-an-id", true);
                    yield return ("injection", "' OR 1=1 --", true);
                    yield return ("almost a GUID", "00000000-0000-0000-0000-00000000000g", true);
                }
                if (field.Name == "page_token")
                {
                    yield return ("garbage token", "!!!not a token", true);
                    yield return ("hand-made token", Base64Url.EncodeToString(Encoding.UTF8.GetBytes("units|||Active||False\nnot-a-key")), true);
                    yield return ("token of random bytes", Base64Url.EncodeToString(Guid.NewGuid().ToByteArray()), true);
                }
                if (field.Name == "week")
                {
                    yield return ("the first ISO week", "0001-W01", true);
                    yield return ("week 99", "2026-W99", true);
                    yield return ("the last ISO week", "9998-W52", true);
                }
                break;
            case FieldType.Enum:
                yield return ("undefined enum number", 999, true);
                yield return ("negative enum number", -1, true);
                break;
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                yield return ("-1", -1, false);
                yield return ("int.MinValue", int.MinValue, false);
                yield return ("int.MaxValue", int.MaxValue, false);
                break;
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                yield return ("-1", -1L, false);
                yield return ("long.MaxValue", long.MaxValue, false);
                break;
            case FieldType.Double:
                yield return ("NaN", double.NaN, false);
                yield return ("infinity", double.PositiveInfinity, false);
                yield return ("-1e308", -1e308, false);
                break;
        }
    }

    private static IEnumerable<(string Kind, Google.Type.Date Date)> BadDates()
    {
        yield return ("month 13", new() { Year = 2026, Month = 13, Day = 1 });
        yield return ("30 February", new() { Year = 2026, Month = 2, Day = 30 });
        yield return ("day 0", new() { Year = 2026, Month = 5, Day = 0 });
        yield return ("year 0", new() { Year = 0, Month = 5, Day = 1 });
        yield return ("year 1", new() { Year = 1, Month = 1, Day = 1 });
        yield return ("year 10000", new() { Year = 10000, Month = 1, Day = 1 });
        yield return ("negative year", new() { Year = -5, Month = 1, Day = 1 });
    }

    private static IEnumerable<(string Kind, Timestamp Timestamp)> BadTimestamps()
    {
        yield return ("before year 1", new() { Seconds = -62135596801 });
        yield return ("after year 9999", new() { Seconds = 253402300800 });
        yield return ("negative nanos", new() { Seconds = 1_800_000_000, Nanos = -1 });
        yield return ("nanos of a whole second", new() { Seconds = 1_800_000_000, Nanos = 1_000_000_000 });
        yield return ("year 9999", new() { Seconds = 253402214400 });
    }

    private static IEnumerable<BadRequest> MapValues(MethodDescriptor method, List<FieldDescriptor> path)
    {
        var prefix = PathOf(path);
        yield return MakeMap(method, path, "NUL key", "a\0b", "v", prefix);
        yield return MakeMap(method, path, "NUL value", "k", "a\0b", prefix + "[k]");
        yield return MakeMap(method, path, "overlong value", "k", new string('长', RequestValidator.MaxFreeTextLength + 1), prefix + "[k]");
    }

    private static BadRequest Make(MethodDescriptor method, List<FieldDescriptor> path, string kind, object value, bool expectRefusal)
    {
        var root = (IMessage)Activator.CreateInstance(method.InputType.ClrType)!;
        var leaf = Parent(root, path);
        var field = path[^1];
        if (field.IsRepeated)
            ((IList)field.Accessor.GetValue(leaf)).Add(value);
        else
            field.Accessor.SetValue(leaf, value);
        var bytes = root.ToByteArray();
        var expected = PathOf(path) + (field.IsRepeated ? "[0]" : "");
        if (kind == "invalid UTF-8")
        {
            Replace(bytes, Encoding.ASCII.GetBytes(Placeholder), InvalidUtf8);
            expected = "request";
        }
        return new BadRequest(method, PathOf(path), kind, bytes, expectRefusal ? expected : null);
    }

    private static BadRequest MakeMap(MethodDescriptor method, List<FieldDescriptor> path, string kind, string key, string value, string expected)
    {
        var root = (IMessage)Activator.CreateInstance(method.InputType.ClrType)!;
        var map = (IDictionary)path[^1].Accessor.GetValue(Parent(root, path));
        map.Add(key, value);
        return new BadRequest(method, PathOf(path), kind, root.ToByteArray(), expected);
    }

    /// <summary>The message that holds the last field of the path, created on the way down (one element of each repeated field).</summary>
    private static IMessage Parent(IMessage root, List<FieldDescriptor> path)
    {
        var current = root;
        foreach (var field in path.Take(path.Count - 1))
        {
            var child = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
            if (field.IsRepeated)
                ((IList)field.Accessor.GetValue(current)).Add(child);
            else
                field.Accessor.SetValue(current, child);
            current = child;
        }
        return current;
    }

    /// <summary>The field's path as the services name it in a violation: snake_case names, [0] for the element of a repeated field.</summary>
    private static string PathOf(List<FieldDescriptor> path) =>
        string.Join(".", path.Select((f, i) => f.Name + (f.IsRepeated && i < path.Count - 1 ? "[0]" : "")));

    private static void Replace(byte[] bytes, byte[] find, byte[] with)
    {
        for (var i = 0; i + find.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, find.Length).SequenceEqual(find))
            {
                with.CopyTo(bytes, i);
                return;
            }
        throw new InvalidOperationException("placeholder not found");
    }
}
