namespace ConfigLint.Semantics.Squid;

/// <summary>
/// The value tree of a domain ACL (<c>dstdomain</c>, <c>srcdomain</c>, <c>ssl::server_name</c>) as squid before 7.0.1
/// builds it, to find the insertion squid dies on. squid keeps the values in a top-down splay tree ordered by
/// <c>matchDomainName()</c>; inserting a value first searches for it, then links it in, and every comparison goes
/// through <c>aclDomainCompare()</c>, which calls <c>self_destruct()</c> ("ERROR: 'x' is a subdomain of 'y'") when the
/// new value, read as a domain, matches a value already in the tree that is not the same string — e.g.
/// <c>.example.com</c> after <c>example.com</c> or <c>www.example.com</c>. The reverse order (a name after the wildcard
/// that covers it) is only a WARNING, and which pairs get compared at all depends on the tree's shape, so the tree is
/// rebuilt step by step rather than guessed. From 7.0.1 on (squid-cache/squid commit 0898d0f4c2, "Fix dupe handling in
/// Splay ACLs") duplicates are merged with a WARNING instead.
/// </summary>
internal sealed class SquidDomainTree<T>
{
    private sealed class Node(string value, T source)
    {
        public string Value { get; } = value;

        public T Source { get; } = source;

        public Node? Left { get; set; }

        public Node? Right { get; set; }
    }

    private Node? _head;
    private int _last;
    private Node? _conflict;

    /// <summary>
    /// Inserts a value as squid does. Returns the value already in the tree that makes squid stop, with its source, or
    /// default when the insertion is fine (a new value, an exact duplicate, or a value a wildcard already covers).
    /// </summary>
    public (bool Fatal, string Existing, T? Source) Insert(string value, T source)
    {
        var v = value.ToLowerInvariant();
        _conflict = null;
        if (_head is not null)
        {
            _head = Splay(v, _head);
            if (_conflict is { } found)
            {
                return (true, found.Value, found.Source);
            }

            if (_last == 0)
            {
                return default; // a duplicate: squid keeps the first
            }
        }

        var node = new Node(v, source);
        if (_head is null)
        {
            _head = node;
            return default;
        }

        var top = Splay(v, _head);
        if (_conflict is { } again)
        {
            return (true, again.Value, again.Source);
        }

        if (_last < 0)
        {
            node.Left = top.Left;
            node.Right = top;
            top.Left = null;
            _head = node;
        }
        else if (_last > 0)
        {
            node.Right = top.Right;
            node.Left = top;
            top.Right = null;
            _head = node;
        }
        else
        {
            _head = top;
        }

        return default;
    }

    /// <summary>
    /// squid's aclDomainCompare(new, existing): when the existing value, read as a host, is not inside the new one, the
    /// answer is the reverse comparison (0 when the new value is inside the existing one: a WARNING, and the new value is
    /// dropped as a duplicate); when it is inside and not the same string, squid dies (recorded here).
    /// </summary>
    private int Compare(string value, Node existing)
    {
        var ret = MatchDomainName(existing.Value, value);
        if (ret != 0)
        {
            return MatchDomainName(value, existing.Value);
        }

        if (!string.Equals(existing.Value, value, StringComparison.Ordinal))
        {
            _conflict ??= existing;
        }

        return 0;
    }

    /// <summary>The classic top-down splay (Sleator and Tarjan), comparing as squid's SplayNode::splay does.</summary>
    private Node Splay(string value, Node root)
    {
        var header = new Node(string.Empty, default!);
        var l = header;
        var r = header;
        var top = root;
        while (_conflict is null)
        {
            _last = Compare(value, top);
            if (_last < 0)
            {
                if (top.Left is null)
                {
                    break;
                }

                if ((_last = Compare(value, top.Left)) < 0)
                {
                    var y = top.Left;
                    top.Left = y.Right;
                    y.Right = top;
                    top = y;
                    if (top.Left is null)
                    {
                        break;
                    }
                }

                r.Left = top;
                r = top;
                top = top.Left;
            }
            else if (_last > 0)
            {
                if (top.Right is null)
                {
                    break;
                }

                if ((_last = Compare(value, top.Right)) > 0)
                {
                    var y = top.Right;
                    top.Right = y.Left;
                    y.Left = top;
                    top = y;
                    if (top.Right is null)
                    {
                        break;
                    }
                }

                l.Right = top;
                l = top;
                top = top.Right;
            }
            else
            {
                break;
            }
        }

        l.Right = top.Left;
        r.Left = top.Right;
        top.Left = header.Right;
        top.Right = header.Left;
        return top;
    }

    /// <summary>
    /// squid's matchDomainName(host, domain) without flags: 0 when the host (leading dots dropped) is the domain, or
    /// the domain starts with '.' and the host is inside it; otherwise the order squid's trees use.
    /// </summary>
    internal static int MatchDomainName(string host, string domain)
    {
        var h = host.TrimStart('.');
        var hl = h.Length;
        if (hl == 0)
        {
            return -1;
        }

        var dl = domain.Length;
        if (dl == 0)
        {
            return 1;
        }

        while (Lower(h[--hl]) == Lower(domain[--dl]))
        {
            if (hl == 0 && dl == 0)
            {
                return 0;
            }

            if (hl == 0)
            {
                return dl == 1 && domain[0] == '.' ? 0 : -1;
            }

            if (dl == 0)
            {
                return domain[0] == '.' ? 0 : 1;
            }
        }

        if (domain[dl] == '.')
        {
            return 1;
        }

        if (h[hl] == '.')
        {
            return -1;
        }

        return Lower(h[hl]) - Lower(domain[dl]);
    }

    private static char Lower(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
}
