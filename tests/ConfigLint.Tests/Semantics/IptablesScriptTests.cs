using ConfigLint.Analysis.Engine;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;
using Microsoft.CodeAnalysis.Text;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>Shell scripts of iptables commands: continuations, variables, loops, symbolic values, command order, and what is not read.</summary>
public class IptablesScriptTests
{
    private static IptablesRuleSet Bind(string text, string name = "firewall.sh")
    {
        IptablesFile.Classify(text, name.EndsWith(".sh", StringComparison.Ordinal)).ShouldBe(IptablesFileKind.Script);
        var tree = IptablesFile.Parse(name, SourceText.From(text));
        tree.Root.ShouldBeOfType<IptablesScriptSyntax>();
        tree.ToFullString().ShouldBe(text);
        return IptablesBinder.Bind(tree);
    }

    private static IptablesRuleSet BindScript(string text) => IptablesBinder.Bind(IptablesFile.ParseScript("firewall.sh", SourceText.From(text)));

    private static IReadOnlyList<IptablesRule> Rules(IptablesRuleSet set, string table, string chain, IptablesFamily family = IptablesFamily.V4) =>
        set.Chain(family, table, chain)!.Rules;

    [Fact]
    public void Continuations_variables_and_for_loops_are_evaluated_and_located_in_the_script()
    {
        var set = Bind("""
            #!/bin/sh
            TRANS=9040
            LAN_NETS="192.168.1.0/24 10.0.0.0/8"
            iptables -t nat -A OUTPUT \
               -p tcp --syn -j REDIRECT --to-ports ${TRANS}
            for NET in $LAN_NETS 127.0.0.0/9; do
              iptables -t nat -I OUTPUT 1 -d "$NET" -j RETURN
            done
            iptables -t nat -A OUTPUT -p udp --dport 53 -j REDIRECT --to-ports "$DNS_PORT"

            """);
        set.Understood.ShouldBeTrue();
        var nat = Rules(set, "nat", "OUTPUT");
        nat.Select(r => r.Destination?.Value ?? r.Target).ShouldBe(["127.0.0.0/9", "10.0.0.0/8", "192.168.1.0/24", "REDIRECT", "REDIRECT"]);
        nat[3].ToPort.ShouldBe(9040);
        nat[3].Location.LineSpan.Start.ShouldBe(new LinePosition(3, 0));
        nat[3].Location.LineSpan.End.Line.ShouldBe(4);
        nat[0].Location.LineSpan.Start.ShouldBe(new LinePosition(6, 2));

        // $DNS_PORT is never set: kept symbolic, with a note at its use; no port is guessed.
        nat[4].ToPort.ShouldBeNull();
        nat[4].Command.Target!.Option("to-ports")!.IsSymbolic.ShouldBeTrue();
        set.Notes.ShouldContain(n => n.Message.Contains("$DNS_PORT", StringComparison.Ordinal) && n.Location.LineSpan.Start.Line == 8);
    }

    [Fact]
    public void Flush_policy_append_insert_and_delete_apply_in_order()
    {
        var set = Bind("""
            #!/bin/bash
            iptables -A OUTPUT -j ACCEPT
            iptables -F
            iptables -P OUTPUT DROP
            iptables -A OUTPUT -o lo -j ACCEPT
            iptables -A OUTPUT -j REJECT
            iptables -I OUTPUT 2 -m owner --uid-owner $(id -u debian-tor) -j ACCEPT
            iptables -D OUTPUT -o lo -j ACCEPT
            ip6tables -P OUTPUT DROP

            """);
        var output = set.Chain(IptablesFamily.V4, "filter", "OUTPUT")!;
        output.Rules.Select(r => r.Target).ShouldBe(["ACCEPT", "REJECT"]);
        output.Rules[0].UidOwner!.Value.ShouldBe("debian-tor");
        output.Rules[0].UidOwner!.IsSymbolic.ShouldBeFalse();
        (output.Policy, output.PolicyLocation!.LineSpan.Start.Line).ShouldBe(("DROP", 3));
        set.Families.ShouldBe([IptablesFamily.V4, IptablesFamily.V6]);
        set.Chain(IptablesFamily.V6, "filter", "OUTPUT")!.Policy.ShouldBe("DROP");
        set.Chain(IptablesFamily.V6, "filter", "OUTPUT")!.Rules.ShouldBeEmpty();

        var packet = new IptablesPacket(IptablesFamily.V4, "udp", Destination: "1.1.1.1", DestinationPort: 443);
        set.Evaluate(packet, "filter", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Reject);
        set.Evaluate(packet with { Uid = "debian-tor" }, "filter", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
    }

    [Fact]
    public void A_command_whose_options_are_not_evaluated_is_left_out_with_a_note_and_a_refused_one_changes_nothing()
    {
        var set = Bind("#!/bin/sh\niptables -F\niptables $EXTRA_OPTS -A OUTPUT -j ACCEPT\niptables -A OUTPUT -j REJECT bogus\niptables -A NOCHAIN -j DROP\niptables -A OUTPUT -j DROP\n");
        set.Chain(IptablesFamily.V4, "filter", "OUTPUT")!.Rules.Select(r => r.Target).ShouldBe(["DROP"]);
        set.Notes.ShouldContain(n => n.Message.StartsWith("ConfigLint cannot read this command", StringComparison.Ordinal) && n.Location.LineSpan.Start.Line == 2);
        set.Notes.ShouldContain(n => n.Message.StartsWith("iptables would refuse", StringComparison.Ordinal) && n.Location.LineSpan.Start.Line == 3);
        set.Notes.ShouldContain(n => n.Message.Contains("'NOCHAIN' does not exist", StringComparison.Ordinal) && n.Location.LineSpan.Start.Line == 4);
    }

    [Fact]
    public void No_policy_in_a_script_means_the_default_accept()
    {
        var set = Bind("#!/bin/sh\niptables -F\niptables -A OUTPUT -d 127.0.0.0/8 -j ACCEPT\niptables -A OUTPUT -m owner --uid-owner tor -j ACCEPT\n");
        var v = set.Evaluate(new IptablesPacket(IptablesFamily.V4, "tcp", Destination: "1.2.3.4"), "filter", "OUTPUT");
        (v.Kind, v.ByPolicy, v.PolicyIsDefault).ShouldBe((IptablesVerdictKind.Accept, true, true));
        set.TorTransparentProxy().ShouldNotBeNull();
    }

    /// <summary>A dispatcher script in seed 4's style: the start arm is read, branches that exit are not, a uid that differs by distro stays symbolic.</summary>
    [Fact]
    public void The_start_arm_of_a_case_dispatcher_is_read_and_distro_dependent_values_stay_symbolic()
    {
        var set = Bind("""
            #!/bin/bash
            TRANS_PORT="9040"
            case "$1" in
            start)
                if test -f /tmp/saved; then
                    echo "already running"
                    exit 1
                else
                    iptables-save > /tmp/saved
                    if command -v pacman >/dev/null; then
                        TOR_UID=$(id -u tor)
                    elif command -v apt >/dev/null; then
                        TOR_UID=$(id -u debian-tor)
                    else
                        echo "unknown"; exit 1
                    fi
                    iptables -F
                    iptables -t nat -F
                    iptables -t nat -A OUTPUT -m owner --uid-owner "$TOR_UID" -j RETURN
                    iptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports $TRANS_PORT
                    iptables -A OUTPUT -m owner --uid-owner "$TOR_UID" -j ACCEPT
                    iptables -A OUTPUT -j ACCEPT
                fi
                ;;
            stop)
                iptables -t nat -F
                iptables-restore < /tmp/saved
                ;;
            *)
                echo "usage"
                ;;
            esac

            """, "tor-router");
        set.Understood.ShouldBeTrue();
        set.Notes.ShouldContain(n => n.Message.Contains("'start)' arm", StringComparison.Ordinal));
        var nat = Rules(set, "nat", "OUTPUT");
        nat.Count.ShouldBe(2);
        nat[0].UidOwner!.IsSymbolic.ShouldBeTrue();
        nat[0].UidOwner!.Value.ShouldBe("$TOR_UID");
        set.Notes.ShouldContain(n => n.Message.Contains("$TOR_UID", StringComparison.Ordinal));
        Rules(set, "filter", "OUTPUT").Select(r => r.Target).ShouldBe(["ACCEPT", "ACCEPT"]);
        set.TorTransparentProxy().ShouldNotBeNull();

        // The uid is unknown, so whether a packet from 'debian-tor' is exempt cannot be decided: the answer says so.
        var v = set.Evaluate(new IptablesPacket(IptablesFamily.V4, "tcp", Destination: "1.2.3.4", DestinationPort: 443, Uid: "debian-tor"), "nat", "OUTPUT");
        (v.Kind, v.ToPort, v.Certain).ShouldBe((IptablesVerdictKind.Redirect, 9040, false));
    }

    [Theory]
    [InlineData("#!/bin/sh\nif [ \"$MODE\" = strict ]; then\n  iptables -P OUTPUT DROP\nfi\niptables -A OUTPUT -j ACCEPT\niptables -A INPUT -j ACCEPT\n", "condition")]
    [InlineData("#!/bin/sh\nwhile read net; do\n  iptables -A OUTPUT -d \"$net\" -j ACCEPT\ndone < nets\niptables -A OUTPUT -j DROP\niptables -A INPUT -j DROP\n", "while")]
    [InlineData("#!/bin/sh\niptables -F\niptables -X\niptables-restore < /etc/iptables/rules.v4\niptables -A OUTPUT -j DROP\n", "iptables-restore")]
    [InlineData("#!/bin/sh\nf() { iptables -A OUTPUT -j DROP; f; }\niptables -F\niptables -X\niptables -Z\nf\n", "calls itself")]
    public void A_script_it_cannot_follow_is_skipped_with_a_note(string text, string reason)
    {
        var set = Bind(text);
        set.Understood.ShouldBeFalse();
        set.Rules(IptablesFamily.V4).ShouldBeEmpty();
        set.Notes.ShouldContain(n => n.Message.Contains(reason, StringComparison.Ordinal) && n.Message.Contains("does not read", StringComparison.Ordinal));
    }

    [Fact]
    public void Hostile_scripts_are_bounded()
    {
        var deep = "#!/bin/sh\niptables -F\niptables -X\niptables -Z\n" + string.Concat(Enumerable.Repeat("if true; then\n", 50_000)) + "iptables -A OUTPUT -j DROP\n" + string.Concat(Enumerable.Repeat("fi\n", 50_000));
        var started = DateTime.UtcNow;
        var set = BindScript(deep);
        set.Understood.ShouldBeFalse();
        set.Notes.ShouldContain(n => n.Message.Contains("nest deeper", StringComparison.Ordinal));

        var doubling = "#!/bin/sh\nX=a\nfor i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40; do X=\"$X$X\"; done\niptables -A OUTPUT -d \"$X\" -j ACCEPT\niptables -A OUTPUT -j DROP\niptables -P OUTPUT DROP\n";
        var grown = BindScript(doubling);
        grown.Chain(IptablesFamily.V4, "filter", "OUTPUT")!.Rules[0].Destination!.IsSymbolic.ShouldBeTrue();

        var loops = "#!/bin/sh\nL=\"" + string.Join(' ', Enumerable.Range(0, 300)) + "\"\nfor a in $L; do for b in $L; do iptables -A OUTPUT -j ACCEPT; done; done\niptables -F\niptables -X\n";
        var many = BindScript(loops);
        many.Understood.ShouldBeFalse();
        many.Rules(IptablesFamily.V4).ShouldBeEmpty();
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Functions_called_by_the_script_are_read_in_call_order()
    {
        var set = Bind("#!/bin/sh\nset -e\nIPT=/usr/sbin/iptables\nbase() {\n  $IPT -F\n  $IPT -P OUTPUT DROP\n}\nallow() {\n  $IPT -A OUTPUT -d \"$1\" -j ACCEPT\n}\nbase\nfor n in 10.0.0.0/8; do $IPT -A OUTPUT -d $n -j ACCEPT; done\n$IPT -A OUTPUT -j REJECT\n");
        Rules(set, "filter", "OUTPUT").Select(r => r.Target).ShouldBe(["ACCEPT", "REJECT"]);
        set.Chain(IptablesFamily.V4, "filter", "OUTPUT")!.Policy.ShouldBe("DROP");
    }

    [Theory]
    [InlineData("#!/bin/sh\necho hello\nmake all\ncp a b\n", "build.sh", false)]
    [InlineData("#!/bin/bash\n# uses iptables once\niptables -L\nsystemctl restart nginx\necho done\n", "deploy", false)]
    [InlineData("#!/usr/bin/env python3\nimport os\nos.system('iptables -F')\nos.system('iptables -X')\nos.system('iptables -Z')\n", "fw", false)]
    [InlineData("#!/bin/sh\niptables -F\niptables -P OUTPUT DROP\niptables -A OUTPUT -o lo -j ACCEPT\n", "firewall", true)]
    [InlineData("iptables -F\niptables -P OUTPUT DROP\niptables -A OUTPUT -o lo -j ACCEPT\n", "firewall.sh", true)]
    [InlineData("iptables -F\niptables -P OUTPUT DROP\niptables -A OUTPUT -o lo -j ACCEPT\n", "firewall", false)]
    [InlineData("*filter\n:OUTPUT DROP [0:0]\n-A OUTPUT -o lo -j ACCEPT\nCOMMIT\n", "iptables.rules", true)]
    [InlineData("table ip filter {\n  chain output {\n    type filter hook output priority 0;\n  }\n}\n", "nftables-save", false)]
    public void Only_iptables_files_and_scripts_that_call_iptables_are_detected(string text, string name, bool iptables)
    {
        LanguageDetector.ShouldSniff(name).ShouldBeTrue();
        (LanguageDetector.ByContent(name, text) == Language.Iptables).ShouldBe(iptables);
    }
}
