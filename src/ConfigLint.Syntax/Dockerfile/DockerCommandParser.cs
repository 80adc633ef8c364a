using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConfigLint.Syntax.Dockerfile;

/// <summary>
/// Turns one logical Dockerfile line into a <see cref="DockerCommand"/> following BuildKit's parser rules
/// (moby/buildkit frontend/dockerfile/parser: splitCommand, extractBuilderFlags and the per-instruction table).
/// </summary>
public static partial class DockerCommandParser
{
    /// <summary>Instructions BuildKit knows; anything else is an unknown instruction.</summary>
    public static readonly ImmutableHashSet<string> Known =
        ["add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label", "maintainer",
         "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir"];

    public static DockerCommand? Parse(string line, char escape, out string? error)
    {
        error = null;
        var trimmed = line.Trim(' ', '\t', '\v', '\f', '\r', '\n');
        var split = Whitespace().Split(trimmed, 2);
        var keyword = split[0].ToLowerInvariant();
        var flags = ImmutableArray<DockerFlag>.Empty;
        var args = string.Empty;
        if (split.Length == 2)
        {
            (args, var flagWords) = ExtractFlags(split[1]);
            flags = [.. flagWords.Select(f => new DockerFlag(f))];
            args = args.Trim(' ', '\t', '\v', '\f', '\r', '\n');
        }

        var (values, json, child) = (ImmutableArray<string>.Empty, false, (DockerCommand?)null);
        switch (keyword)
        {
            case "add" or "copy" or "volume":
                (values, json) = MaybeJsonToList(args, ref error);
                break;
            case "cmd" or "entrypoint" or "run" or "shell":
                (values, json) = MaybeJson(args, ref error);
                break;
            case "arg":
                values = [.. Words(args, escape)];
                break;
            case "env" or "label":
                values = NameValues(args, keyword.ToUpperInvariant(), escape, ref error);
                break;
            case "expose" or "from":
                values = WhitespaceDelimited(args);
                break;
            case "healthcheck":
                (values, json) = Health(args, ref error);
                break;
            case "maintainer" or "stopsignal" or "user" or "workdir":
                values = args.Length == 0 ? [] : [args];
                break;
            case "onbuild":
                // BuildKit refuses ONBUILD ONBUILD, so the child is never parsed as another ONBUILD: the recursion is one level deep.
                if (Whitespace().Split(args, 2)[0].Equals("onbuild", StringComparison.OrdinalIgnoreCase))
                {
                    error = "chaining ONBUILD via 'ONBUILD ONBUILD' isn't allowed";
                }
                else if (args.Length > 0)
                {
                    child = Parse(args, escape, out error);
                }

                break;
        }

        return error is null ? new DockerCommand(keyword, flags, values, json, child, line) : null;
    }

    /// <summary>Leading <c>--flag[=value]</c> words; <c>--</c> alone ends them.</summary>
    private static (string Remainder, List<string> Flags) ExtractFlags(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var inQuote = false;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= line.Length; pos++)
        {
            var ch = pos < line.Length ? line[pos] : '\0';
            if (!inWord && !inQuote)
            {
                if (pos == line.Length)
                {
                    break;
                }

                if (char.IsWhiteSpace(ch))
                {
                    continue;
                }

                if (ch != '-' || pos + 1 == line.Length || line[pos + 1] != '-')
                {
                    return (line[pos..], words);
                }

                inWord = true;
            }

            if (pos == line.Length)
            {
                if (word.ToString() != "--" && (blankOk || word.Length > 0))
                {
                    words.Add(word.ToString());
                }

                break;
            }

            if (inWord && !inQuote)
            {
                if (char.IsWhiteSpace(ch))
                {
                    inWord = false;
                    if (word.ToString() == "--")
                    {
                        return (line[pos..], words);
                    }

                    if (blankOk || word.Length > 0)
                    {
                        words.Add(word.ToString());
                    }

                    word.Clear();
                    blankOk = false;
                    continue;
                }

                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    inQuote = true;
                    continue;
                }

                if (ch == '\\')
                {
                    if (pos + 1 == line.Length)
                    {
                        continue;
                    }

                    pos++;
                    ch = line[pos];
                }

                word.Append(ch);
                continue;
            }

            // In quotes.
            if (ch == quote)
            {
                inQuote = false;
                continue;
            }

            if (ch == '\\')
            {
                if (pos + 1 == line.Length)
                {
                    inQuote = false;
                    continue;
                }

                pos++;
                ch = line[pos];
            }

            word.Append(ch);
        }

        return (string.Empty, words);
    }

    /// <summary>BuildKit's parseWords: whitespace-separated words, quotes and escapes kept in the text.</summary>
    public static List<string> Words(string rest, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        const int InSpaces = 0, InWord = 1, InQuote = 2;
        var phase = InSpaces;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= rest.Length; pos++)
        {
            var ch = pos < rest.Length ? rest[pos] : '\0';
            if (phase == InSpaces)
            {
                if (pos == rest.Length)
                {
                    break;
                }

                if (char.IsWhiteSpace(ch))
                {
                    continue;
                }

                phase = InWord;
            }

            if (pos == rest.Length)
            {
                if (blankOk || word.Length > 0)
                {
                    words.Add(word.ToString());
                }

                break;
            }

            if (phase == InWord)
            {
                if (char.IsWhiteSpace(ch))
                {
                    phase = InSpaces;
                    if (blankOk || word.Length > 0)
                    {
                        words.Add(word.ToString());
                    }

                    word.Clear();
                    blankOk = false;
                    continue;
                }

                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    phase = InQuote;
                }

                if (ch == escape)
                {
                    if (pos + 1 == rest.Length)
                    {
                        continue;
                    }

                    word.Append(ch);
                    pos++;
                    ch = rest[pos];
                }

                word.Append(ch);
                continue;
            }

            // InQuote.
            if (ch == quote)
            {
                phase = InWord;
            }

            if (ch == escape && quote != '\'')
            {
                if (pos + 1 == rest.Length)
                {
                    phase = InWord;
                    continue;
                }

                pos++;
                word.Append(ch);
                ch = rest[pos];
            }

            word.Append(ch);
        }

        return words;
    }

    private static ImmutableArray<string> WhitespaceDelimited(string rest) =>
        rest.Length == 0 ? [] : [.. Whitespace().Split(rest)];

    private static (ImmutableArray<string>, bool) MaybeJson(string rest, ref string? error)
    {
        if (rest.Length == 0)
        {
            return ([], false);
        }

        var json = Json(rest, out var notStrings);
        if (json is not null)
        {
            return (json.Value, true);
        }

        if (notStrings)
        {
            error = "a JSON array in this instruction must hold only strings";
            return ([], false);
        }

        return ([rest], false);
    }

    private static (ImmutableArray<string>, bool) MaybeJsonToList(string rest, ref string? error)
    {
        var json = Json(rest, out var notStrings);
        if (json is not null)
        {
            return (json.Value, true);
        }

        if (notStrings)
        {
            error = "a JSON array in this instruction must hold only strings";
            return ([], false);
        }

        return (WhitespaceDelimited(rest), false);
    }

    /// <summary>Decodes the first JSON value of the text as an array of strings (trailing text is ignored, as Go's decoder does).</summary>
    private static ImmutableArray<string>? Json(string rest, out bool notStrings)
    {
        notStrings = false;
        var text = rest.TrimStart();
        if (!text.StartsWith('['))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return null;
            }

            var values = ImmutableArray.CreateBuilder<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    // Still well-formed JSON? Then it is an array that holds something other than strings.
                    reader.Skip();
                    notStrings = true;
                    continue;
                }

                values.Add(reader.GetString()!);
            }

            if (reader.TokenType != JsonTokenType.EndArray)
            {
                notStrings = false;
                return null;
            }

            return notStrings ? null : values.ToImmutable();
        }
        catch (JsonException)
        {
            notStrings = false;
            return null;
        }
    }

    private static ImmutableArray<string> NameValues(string rest, string key, char escape, ref string? error)
    {
        var words = Words(rest, escape);
        if (words.Count == 0)
        {
            return [];
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = Whitespace().Split(rest, 2);
            if (parts.Length < 2)
            {
                error = $"{key} must have two arguments";
                return [];
            }

            return [parts[0], parts[1], string.Empty];
        }

        var result = ImmutableArray.CreateBuilder<string>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            if (eq < 0)
            {
                error = $"syntax error: can't find = in '{word}'; {key} takes name=value pairs";
                return [];
            }

            result.Add(word[..eq]);
            result.Add(word[(eq + 1)..]);
            result.Add("=");
        }

        return result.ToImmutable();
    }

    private static (ImmutableArray<string>, bool) Health(string rest, ref string? error)
    {
        var sep = 0;
        while (sep < rest.Length && !char.IsWhiteSpace(rest[sep]))
        {
            sep++;
        }

        var next = sep;
        while (next < rest.Length && char.IsWhiteSpace(rest[next]))
        {
            next++;
        }

        if (sep == 0)
        {
            return ([], false);
        }

        var (cmd, json) = MaybeJson(rest[next..], ref error);
        return ([rest[..sep], .. cmd], json);
    }

    [GeneratedRegex("[\t\v\f\r ]+")]
    private static partial Regex Whitespace();

}
