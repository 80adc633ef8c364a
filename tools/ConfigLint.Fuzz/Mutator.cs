using System.Text;

namespace ConfigLint.Fuzz;

/// <summary>The languages the harness knows how to pair files and write includes for.</summary>
internal enum SeedLanguage
{
    Other,
    Torrc,
    Squid,
    Nginx,
    Dockerfile,
    Compose,
    Iptables,
}

/// <summary>
/// Byte-level and text-level mutations of one file. Every choice comes from the <see cref="Prng"/> passed in, so a
/// (seed, iteration) pair always produces the same bytes and the same mutation list.
/// </summary>
internal static class Mutator
{
    /// <summary>No mutation makes a file larger than this (the huge-line mutation goes up to 10 MB).</summary>
    public const int MaxSize = 12 * 1024 * 1024;

    private static readonly string[] GenericTokens =
    [
        "{", "}", "[", "]", "(", ")", "\"", "'", "`", "\\", "#", ";", ":", "=", "$", "%", "*", "&", "!", "|", "<<", "\n",
        "\\\n", "${", "${A:-", "}}", "\t", " ", "-", "--", "0", "-1", "4294967296", "99999999999999999999", "::", "[::]",
        "0.0.0.0", "127.0.0.1", "unix:", "*:*", "\"\"", "''", "# configlint: ignore ", "# configlint: ignore-file ",
    ];

    private static readonly string[] TorTokens =
    [
        "%include ", "SocksPort ", "ControlPort ", "ORPort ", "ExitPolicy ", "HiddenServiceDir ", "HiddenServicePort ",
        "+", "/", "accept *:*", "reject *:*", "SocksPolicy ", "Nickname ", "ContactInfo ", "MetricsPort ", "0.0.0.0:9050",
        "[::]:9050", "unix:/run/tor/socks", "\"unix:/a b\"", "auto", "IsolateDestAddr ", "%", "\\\n", "Log notice file ",
    ];

    private static readonly string[] SquidTokens =
    [
        "include ", "acl ", "http_access allow all", "http_access deny all", "http_port 3128", "cache_peer ",
        "never_direct allow all", "if ${process_number} = 1", "else", "endif", "${service_name}", "\"", "\\\n",
        "configuration_includes_quoted_values on", "parameters(", ")", "src 0.0.0.0/0", "!", "all",
    ];

    private static readonly string[] NginxTokens =
    [
        "include ", "server {", "location / {", "http {", "if ($host) {", "}", ";", "{", "\"", "'", "\\", "$", "${",
        "add_header X a;", "proxy_pass http://$arg_x;", "alias /x/;", "map $a $b {", "default 1;", "#", "~*", "^~",
        "listen 80;", "server_tokens on;", "ssl_protocols TLSv1;", "events {}", "stream {", "return 301 $uri;",
    ];

    private static readonly string[] DockerTokens =
    [
        "FROM ", "FROM scratch AS a\n", "ARG ", "ENV ", "RUN ", "COPY ", "ADD ", "USER ", "EXPOSE ", "HEALTHCHECK ",
        "# syntax=docker/dockerfile:1\n", "# escape=`\n", "<<EOF\n", "EOF\n", "\\\n", "`\n", "[\"", "\"]", "${A:-${B}}",
        "--from=", "--chmod=", "ONBUILD ", "AS ", "$A", "USER root\n", "EXPOSE 9050 9051\n",
    ];

    private static readonly string[] ComposeTokens =
    [
        "services:\n", "  a:\n", "    image: ", "    build: .\n", "    ports:\n", "      - ", "\"9050:9050\"", "&a ", "*a",
        "<<: *a\n", "!!binary ", "!!str ", "? ", "- ", "{", "}", "[", "]", ",", ": ", "|\n", ">-\n", "---\n", "...\n",
        "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "extends:\n", "    extends: {service: a}\n", "    privileged: true\n",
        "${A:-${B:-x}}", "$$", "\"\\u0000\"", "'", "\"", "#", "~", "null", "0x", "1e400", ".inf", "-.nan",
    ];

    private static readonly string[] IptablesTokens =
    [
        "*filter\n", "*nat\n", "COMMIT\n", ":OUTPUT DROP [0:0]\n", ":X - [0:0]\n", "-A OUTPUT ", "-j ", "-j X\n", "-g X\n", "! ",
        "-m owner --uid-owner ", "-m conntrack --ctstate INVALID ", "-m state --state ", "-p tcp --syn ", "--tcp-flags ", "-m multiport --dports ",
        "-j REDIRECT --to-ports 9040\n", "-j DNAT --to-destination 127.0.0.1:53\n", "-j RETURN\n", "[0:0] ", "--ipv6 ", "-4 ", "\"",
        "-m comment --comment \"a \\\" b\" ", "iptables -t nat -A OUTPUT ", "for x in a b; do\n", "done\n", "$X", "${X}", "X=\"a b\"\n",
    ];

    private static readonly byte[][] ControlBytes =
    [
        [0x00], [0x1B], [0x0D], [0x07], [0x08], [0x0B], [0x0C], [0x7F], [0x1B, (byte)'[', (byte)'3', (byte)'1', (byte)'m'],
        [0x1B, (byte)']', (byte)'0', (byte)';', (byte)'x', 0x07], [0xC2, 0x9B], [0xE2, 0x80, 0xAE], [0xEF, 0xBB, 0xBF],
        [0x0D, 0x0A], [0x00, 0x00, 0x00, 0x00],
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        [0xF0, 0x9F, 0x98], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3, 0x28],
    ];

    private static readonly string[] NestOpeners = ["{", "[", "a {", "location / {\n", "http {\n", "- ", "- [", "{a: ", "(", "${", "\\\n", "if ($a) {\n", "\"", "a:\n "];

    private static readonly int[] NestDepths = [64, 500, 2000, 8000, 20000, 100000];

    /// <summary>Applies 1 to <paramref name="maxMutations"/> mutations; returns the new bytes and appends a line per mutation.</summary>
    public static byte[] Mutate(byte[] input, SeedLanguage language, string fileName, Prng rng, IReadOnlyList<byte[]> spliceSources, int maxMutations, List<string> log)
    {
        var data = input;
        var count = 1 + rng.Next(Math.Max(1, maxMutations));
        var expensiveDone = false;
        for (var i = 0; i < count; i++)
        {
            data = MutateOnce(data, language, fileName, rng, spliceSources, ref expensiveDone, log);
            if (data.Length > MaxSize)
            {
                data = data[..MaxSize];
                log.Add($"cap to {MaxSize} bytes");
            }
        }

        return data;
    }

    private static byte[] MutateOnce(byte[] data, SeedLanguage language, string fileName, Prng rng, IReadOnlyList<byte[]> spliceSources, ref bool expensiveDone, List<string> log)
    {
        // Weights: cheap byte edits dominate; the expensive shapes (deep nesting, huge lines, bombs) come at most
        // once per case so that a run stays fast.
        var roll = rng.Next(100);
        if (roll >= 94 && !expensiveDone)
        {
            expensiveDone = true;
            return rng.Next(4) switch
            {
                0 => HugeLine(data, language, rng, log),
                1 or 2 => Nest(data, language, rng, log),
                _ => language == SeedLanguage.Compose ? YamlAliasBomb(data, rng, log) : Nest(data, language, rng, log),
            };
        }

        return (roll % 17) switch
        {
            0 => Truncate(data, rng, log),
            1 => FlipBits(data, rng, log),
            2 => InsertRandomBytes(data, rng, log),
            3 => DeleteRange(data, rng, log),
            4 => DuplicateRange(data, rng, log),
            5 => Splice(data, rng, spliceSources, log),
            6 or 7 => InsertToken(data, language, rng, log),
            8 => InsertControl(data, rng, log),
            9 => InsertInvalidUtf8(data, rng, log),
            10 => Bom(data, rng, log),
            11 => LineEndings(data, rng, log),
            12 => LineEdit(data, rng, log),
            13 => IncludeSelf(data, language, fileName, rng, log),
            14 => Number(data, rng, log),
            15 => Nest(data, language, rng, log, small: true),
            _ => InsertToken(data, language, rng, log),
        };
    }

    private static byte[] Truncate(byte[] data, Prng rng, List<string> log)
    {
        var at = rng.Next(data.Length + 1);
        log.Add($"truncate at {at}");
        return data[..at];
    }

    private static byte[] FlipBits(byte[] data, Prng rng, List<string> log)
    {
        if (data.Length == 0)
        {
            return InsertRandomBytes(data, rng, log);
        }

        var copy = (byte[])data.Clone();
        var flips = rng.SkewedLength(16);
        for (var i = 0; i < flips; i++)
        {
            copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
        }

        log.Add($"flip {flips} bits");
        return copy;
    }

    private static byte[] InsertRandomBytes(byte[] data, Prng rng, List<string> log)
    {
        var at = rng.Next(data.Length + 1);
        var bytes = new byte[rng.SkewedLength(64)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)rng.Next(256);
        }

        log.Add($"insert {bytes.Length} random bytes at {at}");
        return Insert(data, at, bytes);
    }

    private static byte[] DeleteRange(byte[] data, Prng rng, List<string> log)
    {
        if (data.Length == 0)
        {
            return data;
        }

        var at = rng.Next(data.Length);
        var length = Math.Min(data.Length - at, rng.SkewedLength(Math.Max(1, data.Length / 2)));
        log.Add($"delete {length} bytes at {at}");
        return [.. data.AsSpan(0, at), .. data.AsSpan(at + length)];
    }

    private static byte[] DuplicateRange(byte[] data, Prng rng, List<string> log)
    {
        if (data.Length == 0)
        {
            return data;
        }

        var at = rng.Next(data.Length);
        var length = Math.Min(data.Length - at, rng.SkewedLength(256));
        var times = rng.SkewedLength(rng.OneIn(8) ? 5000 : 20);
        var chunk = data.AsSpan(at, length).ToArray();
        var repeated = new byte[Math.Min((long)length * times, MaxSize / 2)];
        for (var i = 0; i < repeated.Length; i++)
        {
            repeated[i] = chunk[i % length];
        }

        log.Add($"repeat {length} bytes at {at} x{times}");
        return Insert(data, at, repeated);
    }

    private static byte[] Splice(byte[] data, Prng rng, IReadOnlyList<byte[]> sources, List<string> log)
    {
        if (sources.Count == 0)
        {
            return InsertRandomBytes(data, rng, log);
        }

        var sourceIndex = rng.Next(sources.Count);
        var other = sources[sourceIndex];
        var cut = rng.Next(data.Length + 1);
        var from = rng.Next(other.Length + 1);
        log.Add($"splice: first {cut} bytes + splice source {sourceIndex} from {from}");
        return [.. data.AsSpan(0, cut), .. other.AsSpan(from)];
    }

    private static byte[] InsertToken(byte[] data, SeedLanguage language, Prng rng, List<string> log)
    {
        var tokens = rng.OneIn(3) ? GenericTokens : TokensFor(language);
        var token = rng.Pick(tokens);
        var at = rng.OneIn(2) ? LineStart(data, rng) : rng.Next(data.Length + 1);
        log.Add($"insert token {Describe(token)} at {at}");
        return Insert(data, at, Encoding.UTF8.GetBytes(token));
    }

    private static byte[] InsertControl(byte[] data, Prng rng, List<string> log)
    {
        var bytes = rng.Pick(ControlBytes);
        var at = rng.Next(data.Length + 1);
        log.Add($"insert control {Convert.ToHexString(bytes)} at {at}");
        return Insert(data, at, bytes);
    }

    private static byte[] InsertInvalidUtf8(byte[] data, Prng rng, List<string> log)
    {
        var bytes = rng.Pick(InvalidUtf8);
        var at = rng.Next(data.Length + 1);
        log.Add($"insert invalid UTF-8 {Convert.ToHexString(bytes)} at {at}");
        return Insert(data, at, bytes);
    }

    private static byte[] Bom(byte[] data, Prng rng, List<string> log)
    {
        switch (rng.Next(5))
        {
            case 0:
                log.Add("prepend UTF-8 BOM");
                return [0xEF, 0xBB, 0xBF, .. data];
            case 1:
                log.Add("prepend UTF-16LE BOM");
                return [0xFF, 0xFE, .. data];
            case 2:
                log.Add("prepend two UTF-8 BOMs");
                return [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. data];
            case 3:
                log.Add("re-encode as UTF-16LE with BOM");
                return [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(data))];
            default:
                log.Add("re-encode as UTF-16BE without BOM");
                return Encoding.BigEndianUnicode.GetBytes(Encoding.UTF8.GetString(data));
        }
    }

    private static byte[] LineEndings(byte[] data, Prng rng, List<string> log)
    {
        var mode = rng.Next(4);
        var output = new List<byte>(data.Length + (data.Length / 8));
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                switch (mode)
                {
                    case 0:
                        output.Add((byte)'\r');
                        output.Add(b);
                        break;
                    case 1:
                        output.Add((byte)'\r');
                        break;
                    case 2:
                        if (rng.OneIn(2))
                        {
                            output.Add((byte)'\r');
                        }

                        output.Add(rng.OneIn(3) ? (byte)'\r' : b);
                        break;
                    default:
                        output.Add((byte)'\r');
                        output.Add((byte)'\r');
                        output.Add(b);
                        break;
                }
            }
            else
            {
                output.Add(b);
            }
        }

        log.Add(mode switch { 0 => "LF -> CRLF", 1 => "LF -> CR", 2 => "mixed CR/CRLF/LF", _ => "LF -> CRCRLF" });
        return [.. output];
    }

    private static byte[] LineEdit(byte[] data, Prng rng, List<string> log)
    {
        var lines = SplitLines(data);
        if (lines.Count < 2)
        {
            return InsertRandomBytes(data, rng, log);
        }

        var a = rng.Next(lines.Count);
        var b = rng.Next(lines.Count);
        switch (rng.Next(4))
        {
            case 0:
                (lines[a], lines[b]) = (lines[b], lines[a]);
                log.Add($"swap lines {a + 1} and {b + 1}");
                break;
            case 1:
                lines.RemoveAt(a);
                log.Add($"delete line {a + 1}");
                break;
            case 2:
                var times = rng.SkewedLength(rng.OneIn(10) ? 20000 : 50);
                lines.InsertRange(a, Enumerable.Repeat(lines[a], times));
                log.Add($"repeat line {a + 1} x{times}");
                break;
            default:
                lines.Insert(b, lines[a]);
                log.Add($"copy line {a + 1} before line {b + 1}");
                break;
        }

        return [.. lines.SelectMany(l => l)];
    }

    private static byte[] IncludeSelf(byte[] data, SeedLanguage language, string fileName, Prng rng, List<string> log)
    {
        var directive = language switch
        {
            SeedLanguage.Torrc => $"%include {fileName}\n",
            SeedLanguage.Squid => $"include {fileName}\n",
            SeedLanguage.Nginx => rng.OneIn(2) ? $"include {fileName};\n" : "include *;\n",
            SeedLanguage.Dockerfile => "FROM b AS a\nFROM a AS b\nCOPY --from=b / /\n",
            SeedLanguage.Compose => "services:\n  a:\n    extends:\n      service: a\n  b:\n    extends: {file: " + fileName + ", service: b}\n",
            _ => rng.Pick(["%include " + fileName + "\n", "include " + fileName + ";\n", "include " + fileName + "\n"]),
        };
        var at = LineStart(data, rng);
        log.Add($"self include {Describe(directive)} at {at}");
        return Insert(data, at, Encoding.UTF8.GetBytes(directive));
    }

    private static byte[] Number(byte[] data, Prng rng, List<string> log)
    {
        var digits = new List<int>();
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] is >= (byte)'0' and <= (byte)'9' && (i == 0 || data[i - 1] is < (byte)'0' or > (byte)'9'))
            {
                digits.Add(i);
            }
        }

        if (digits.Count == 0)
        {
            return InsertToken(data, SeedLanguage.Other, rng, log);
        }

        var start = rng.Pick(digits);
        var end = start;
        while (end < data.Length && data[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        var replacement = rng.Pick(["0", "-1", "65535", "65536", "2147483648", "4294967296", "9223372036854775808", "99999999999999999999999999", "00000000000080", "1e9", "0x10"]);
        log.Add($"number at {start} -> {replacement}");
        return [.. data.AsSpan(0, start), .. Encoding.ASCII.GetBytes(replacement), .. data.AsSpan(end)];
    }

    private static byte[] Nest(byte[] data, SeedLanguage language, Prng rng, List<string> log, bool small = false)
    {
        var opener = language switch
        {
            SeedLanguage.Nginx when rng.OneIn(2) => rng.Pick(["a {", "location / {\n", "if ($a) {\n", "{"]),
            SeedLanguage.Compose when rng.OneIn(2) => rng.Pick(["[", "{a: ", "- ", "- [", "a:\n "]),
            _ => rng.Pick(NestOpeners),
        };
        var depth = small ? rng.Next(2, 64) : rng.Pick(NestDepths);
        var closer = opener.Contains('{', StringComparison.Ordinal) ? "}" : opener.Contains('[', StringComparison.Ordinal) ? "]" : opener == "(" ? ")" : null;
        var balanced = closer is not null && rng.OneIn(2);
        var text = new StringBuilder(opener.Length * depth * 2);
        for (var i = 0; i < depth; i++)
        {
            text.Append(opener);
        }

        if (balanced)
        {
            for (var i = 0; i < depth; i++)
            {
                text.Append(closer);
            }
        }

        var at = LineStart(data, rng);
        log.Add($"nest {Describe(opener)} x{depth}{(balanced ? " balanced" : string.Empty)} at {at}");
        return Insert(data, at, Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static byte[] HugeLine(byte[] data, SeedLanguage language, Prng rng, List<string> log)
    {
        var size = rng.Next(1, 11) * 1024 * 1024;
        var prefix = rng.OneIn(2) ? rng.Pick(TokensFor(language)).TrimEnd('\n') : string.Empty;
        var fill = rng.Pick(["a", " ", "\"", "{", "#", "x,", "1.2.3.4:80,", "\\", "$a", "é", "\t"]);
        var text = new StringBuilder(size + 64);
        text.Append(prefix);
        while (text.Length < size)
        {
            text.Append(fill);
        }

        text.Append('\n');
        var at = LineStart(data, rng);
        log.Add($"huge line of {size / (1024 * 1024)} MB ({Describe(prefix)} + {Describe(fill)}...) at {at}");
        return Insert(data, at, Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static byte[] YamlAliasBomb(byte[] data, Prng rng, List<string> log)
    {
        var levels = rng.Next(6, 12);
        var text = new StringBuilder("x-bomb:\n  l0: &l0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < levels; i++)
        {
            var previous = $"*l{i - 1}";
            text.Append($"  l{i}: &l{i} [{string.Join(',', Enumerable.Repeat(previous, 9))}]\n");
        }

        log.Add($"YAML alias bomb, {levels} levels of 9");
        return [.. Encoding.UTF8.GetBytes(text.ToString()), .. data];
    }

    private static string[] TokensFor(SeedLanguage language) => language switch
    {
        SeedLanguage.Torrc => TorTokens,
        SeedLanguage.Squid => SquidTokens,
        SeedLanguage.Nginx => NginxTokens,
        SeedLanguage.Dockerfile => DockerTokens,
        SeedLanguage.Compose => ComposeTokens,
        SeedLanguage.Iptables => IptablesTokens,
        _ => GenericTokens,
    };

    private static int LineStart(byte[] data, Prng rng)
    {
        var at = rng.Next(data.Length + 1);
        while (at > 0 && data[at - 1] != (byte)'\n')
        {
            at--;
        }

        return at;
    }

    private static List<byte[]> SplitLines(byte[] data)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                lines.Add(data[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < data.Length)
        {
            lines.Add(data[start..]);
        }

        return lines;
    }

    private static byte[] Insert(byte[] data, int at, ReadOnlySpan<byte> bytes) => [.. data.AsSpan(0, at), .. bytes, .. data.AsSpan(at)];

    /// <summary>A token as a C-style escaped, quoted string for the mutation log.</summary>
    public static string Describe(string text)
    {
        var builder = new StringBuilder("'");
        foreach (var c in text.Length > 40 ? text[..40] + "…" : text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\\' => "\\\\",
                '\'' => "\\'",
                < ' ' or '\u007f' => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return builder.Append('\'').ToString();
    }
}
