using Microsoft.CodeAnalysis.Text;
using Sprache;

namespace ConfigLint.Syntax.Tor;

/// <summary>The address part of a policy entry.</summary>
public enum PolicyAddressKind
{
    /// <summary><c>*</c>: every IPv4 and IPv6 address.</summary>
    Any,

    /// <summary><c>*4</c>.</summary>
    AnyIPv4,

    /// <summary><c>*6</c>.</summary>
    AnyIPv6,

    /// <summary><c>private</c>: tor's private and local ranges.</summary>
    Private,

    /// <summary>An IPv4 address or network.</summary>
    IPv4,

    /// <summary>An IPv6 address or network.</summary>
    IPv6,
}

/// <summary>
/// One item of a policy line (ExitPolicy, SocksPolicy, MetricsPortPolicy, …):
/// <c>accept|reject|accept6|reject6 ADDR[/MASK][:PORT[-PORT]]</c>, located in the source.
/// </summary>
public sealed record TorPolicyItem(
    bool Accept,
    bool Six,
    PolicyAddressKind AddressKind,
    string Address,
    int? MaskBits,
    int PortLow,
    int PortHigh,
    string Text,
    TextSpan Span,
    string? Error)
{
    /// <summary>Matches every address and every port (<c>*:*</c>, or <c>*</c> with all ports).</summary>
    public bool IsUniversal => AddressKind == PolicyAddressKind.Any && AllPorts;

    public bool AllPorts => PortLow == 1 && PortHigh == 65535;

    /// <summary>Matches every address of one family (or both) on every port: <c>*4</c>, <c>0.0.0.0/0</c>, <c>*6</c>, <c>[::]/0</c>.</summary>
    public bool CoversFamily(bool ipv6) => AllPorts && (AddressKind == PolicyAddressKind.Any
        || (!ipv6 && (AddressKind == PolicyAddressKind.AnyIPv4 || (AddressKind == PolicyAddressKind.IPv4 && MaskBits == 0)))
        || (ipv6 && (AddressKind == PolicyAddressKind.AnyIPv6 || (AddressKind == PolicyAddressKind.IPv6 && MaskBits == 0))));

    /// <summary>Whether the address part reaches private, loopback, link-local or container ranges.</summary>
    public bool CoversPrivateRange
    {
        get
        {
            if (AddressKind is PolicyAddressKind.Private)
            {
                return true;
            }

            if (AddressKind is PolicyAddressKind.Any or PolicyAddressKind.AnyIPv4 or PolicyAddressKind.AnyIPv6)
            {
                return false;
            }

            var scope = NetAddress.Classify(Address);
            return scope is AddressScope.Private or AddressScope.Loopback || (MaskBits is { } m && m <= 8 && scope != AddressScope.Public);
        }
    }

    /// <summary>Items one policy line keeps (real policies have tens).</summary>
    public const int MaxItems = 4096;

    /// <summary>Splits a policy value on commas and parses each item.</summary>
    public static IReadOnlyList<TorPolicyItem> ParseAll(string value, Func<int, int, TextSpan> map, bool? impliedAccept = null)
    {
        var items = new List<TorPolicyItem>();
        var start = 0;
        while (start <= value.Length)
        {
            var comma = value.IndexOf(',', start);
            var end = comma < 0 ? value.Length : comma;
            var raw = value[start..end];
            var lead = raw.Length - raw.TrimStart().Length;
            var text = raw.Trim();
            if (text.Length > 0 && items.Count == MaxItems)
            {
                // A hostile line can hold millions of items; the rest is one located error, not millions of objects.
                var rest = value.Length - (start + lead);
                var message = $"This policy line has more than {MaxItems} items; ConfigLint does not read the rest.";
                items.Add(new TorPolicyItem(false, false, PolicyAddressKind.Any, "…", null, 1, 65535, "…", map(start + lead, rest), message));
                break;
            }

            if (text.Length > 0)
            {
                items.Add(ParseItem(text, map(start + lead, text.Length), impliedAccept));
            }

            if (comma < 0)
            {
                break;
            }

            start = comma + 1;
        }

        return items;
    }

    private static TorPolicyItem ParseItem(string text, TextSpan span, bool? impliedAccept)
    {
        var result = Grammar.Item.TryParse(text);
        if (!result.WasSuccessful && impliedAccept is { } accept)
        {
            result = Grammar.Bare(accept).TryParse(text);
        }

        if (result.WasSuccessful && result.Remainder.AtEnd)
        {
            return result.Value with { Text = text, Span = span };
        }

        var message = !Grammar.Action.TryParse(text).WasSuccessful
            ? $"Malformed policy '{text}': expected 'accept' or 'reject'; tor refuses to start."
            : $"Malformed policy '{text}'; tor refuses to start.";
        return new TorPolicyItem(false, false, PolicyAddressKind.Any, text, null, 1, 65535, text, span, message);
    }

    /// <summary>Sprache grammar for one policy item.</summary>
    private static class Grammar
    {
        public static readonly Parser<string> Action =
            from a in Parse.IgnoreCase("accept").Return("accept").Or(Parse.IgnoreCase("reject").Return("reject"))
            from six in Parse.Char('6').Optional()
            select six.IsDefined ? a + "6" : a;

        private static readonly Parser<int> Number =
            from digits in Parse.Digit.AtLeastOnce().Text()
            where digits.Length <= 5
            select int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);

        private static readonly Parser<(int Low, int High)> Ports =
            Parse.Char('*').Return((1, 65535))
                .Or(from low in Number
                    from high in Parse.Char('-').Then(_ => Number).Optional()
                    where low is >= 1 and <= 65535 && (!high.IsDefined || (high.Get() >= low && high.Get() <= 65535))
                    select (low, high.GetOrElse(low)));

        private static readonly Parser<string> IPv4 =
            from a in Number
            from b in Parse.Char('.').Then(_ => Number)
            from c in Parse.Char('.').Then(_ => Number)
            from d in Parse.Char('.').Then(_ => Number)
            where a <= 255 && b <= 255 && c <= 255 && d <= 255
            select $"{a}.{b}.{c}.{d}";

        private static readonly Parser<int> Mask4 =
            from slash in Parse.Char('/')
            from bits in IPv4.Select(DottedMaskBits).Or(Number)
            where bits is >= 0 and <= 32
            select bits;

        private static readonly Parser<(PolicyAddressKind, string, int?)> Address =
            Parse.String("*4").Return((PolicyAddressKind.AnyIPv4, "*4", (int?)null))
                .Or(Parse.String("*6").Return((PolicyAddressKind.AnyIPv6, "*6", (int?)null)))
                .Or(Parse.Char('*').Return((PolicyAddressKind.Any, "*", (int?)null)))
                .Or(Parse.IgnoreCase("private").Return((PolicyAddressKind.Private, "private", (int?)null)))
                .Or(from ip in IPv4
                    from mask in Mask4.Optional()
                    select (PolicyAddressKind.IPv4, ip, mask.IsDefined ? mask.Get() : (int?)null))
                .Or(from open in Parse.Char('[')
                    from ip in Parse.Chars("0123456789abcdefABCDEF:.").AtLeastOnce().Text()
                    from close in Parse.Char(']')
                    from mask in Parse.Char('/').Then(_ => Number).Where(n => n <= 128).Optional()
                    where System.Net.IPAddress.TryParse(ip, out _)
                    select (PolicyAddressKind.IPv6, ip, mask.IsDefined ? mask.Get() : (int?)null));

        public static readonly Parser<TorPolicyItem> Item =
            from action in Action
            from ws in Parse.Chars(" \t").AtLeastOnce()
            from address in Address
            from ports in Parse.Char(':').Then(_ => Ports).Optional()
            let p = ports.GetOrElse((1, 65535))
            select new TorPolicyItem(action.StartsWith("accept", StringComparison.Ordinal), action.EndsWith('6'),
                address.Item1, address.Item2, address.Item3, p.Item1, p.Item2, string.Empty, default, null);

        /// <summary>An item without accept/reject, for options that imply the action.</summary>
        public static Parser<TorPolicyItem> Bare(bool accept) =>
            from address in Address
            from ports in Parse.Char(':').Then(_ => Ports).Optional()
            let p = ports.GetOrElse((1, 65535))
            select new TorPolicyItem(accept, false, address.Item1, address.Item2, address.Item3, p.Item1, p.Item2, string.Empty, default, null);

        private static int DottedMaskBits(string dotted)
        {
            var bits = 0;
            var seenZero = false;
            foreach (var part in dotted.Split('.'))
            {
                var b = int.Parse(part, System.Globalization.CultureInfo.InvariantCulture);
                for (var i = 7; i >= 0; i--)
                {
                    if ((b & (1 << i)) != 0)
                    {
                        if (seenZero)
                        {
                            return -1;
                        }

                        bits++;
                    }
                    else
                    {
                        seenZero = true;
                    }
                }
            }

            return bits;
        }
    }
}

public static class TorPolicy
{
    /// <summary>The items of one policy line, each mapped to its place in the source.</summary>
    public static IReadOnlyList<TorPolicyItem> Parse(TorEntrySyntax entry) =>
        TorPolicyItem.ParseAll(entry.Value, entry.MapValueRange, TorOptions.ImpliedPolicyAction(entry.Name));
}
