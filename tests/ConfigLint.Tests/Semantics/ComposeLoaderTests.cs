using ConfigLint.Semantics.Compose;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

public class ComposeLoaderTests
{
    private static ComposeService Service(TempTree t, string name) =>
        t.Check().Deployment.ComposeProjects.SelectMany(p => p.Services).Single(s => s.Name == name);

    [Fact]
    public void Short_and_long_port_syntax_normalise()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", """
            services:
              a:
                image: x:1
                ports:
                  - "9050:9050"
                  - "127.0.0.1:8080:80/udp"
                  - "[::1]:5353:53"
                  - 3128
                  - "127.0.0.1::22"
                  - target: 443
                    published: "8443"
                    host_ip: 0.0.0.0
            """);
        var ports = Service(t, "a").Ports;
        ports.Select(p => (p.HostIp, p.Published, p.Target, p.Protocol)).ShouldBe([
            (null, "9050", "9050", "tcp"),
            ("127.0.0.1", "8080", "80", "udp"),
            ("[::1]", "5353", "53", "tcp"),
            (null, null, "3128", "tcp"),
            ("127.0.0.1", null, "22", "tcp"),
            ("0.0.0.0", "8443", "443", "tcp"),
        ]);
        ports.Select(p => p.BindsAllInterfaces).ShouldBe([true, false, false, true, false, true]);
    }

    [Fact]
    public void Volumes_environment_networks_and_user_normalise()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", """
            services:
              a:
                image: x:1
                user: "0:0"
                network_mode: service:tor
                environment:
                  - A=1
                  - B
                volumes:
                  - ./conf:/etc/tor:ro
                  - data:/var/lib/tor
                  - type: bind
                    source: /etc
                    target: /host-etc
                    read_only: true
              b:
                image: y:1
                environment: {C: "2"}
                networks:
                  inner:
                    aliases: [backend]
                    ipv4_address: 172.28.0.10
            networks:
              inner:
                internal: yes
            """);
        var result = t.Check();
        var project = result.Deployment.ComposeProjects.ShouldHaveSingleItem();
        var a = project.Service("a")!;
        a.User!.Value.ShouldBe("0:0");
        a.SharesNetworkWith.ShouldBe("tor");
        a.Environment.Select(e => (e.Name, e.Value)).ShouldBe([("A", "1"), ("B", null)]);
        a.Volumes.Select(v => (v.Type, v.Target, v.ReadOnly)).ShouldBe([("bind", "/etc/tor", true), ("volume", "/var/lib/tor", false), ("bind", "/host-etc", true)]);
        a.Volumes[0].HostPath.ShouldBe(Path.Combine(t.Root, "conf"));
        var b = project.Service("b")!;
        b.HostNames.ShouldContain("backend");
        b.HasNonInternalNetwork.ShouldBeFalse();
        a.HasNonInternalNetwork.ShouldBeTrue();
    }

    [Fact]
    public void Override_file_merges_by_compose_rules()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", """
            services:
              tor:
                image: tor:1
                ports: ["9050:9050", "9051:9051"]
                command: ["tor", "-f", "/a"]
                cap_add: [NET_ADMIN]
            """);
        t.Write("compose.override.yaml", """
            services:
              tor:
                ports: ["127.0.0.1:9052:9052"]
                command: ["tor", "-f", "/b"]
                cap_add: !reset []
                privileged: true
            """);
        var result = t.Check();
        var tor = result.Deployment.ComposeProjects.ShouldHaveSingleItem().Service("tor")!;
        tor.Ports.Select(p => p.Target).ShouldBe(["9050", "9051", "9052"]);
        tor.Command.Select(c => c.Value).ShouldBe(["tor", "-f", "/b"]);
        tor.CapAdd.ShouldBeEmpty();
        var privileged = result.Of("CMP002").ShouldHaveSingleItem();
        privileged.Path.ShouldEndWith("compose.override.yaml");
        privileged.Where().ShouldBe("6:17");
    }

    [Fact]
    public void Override_tag_replaces_a_sequence()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    ports: [\"22:22\"]\n");
        t.Write("compose.override.yaml", "services:\n  a:\n    ports: !override [\"127.0.0.1:2222:22\"]\n");
        Service(t, "a").Ports.ShouldHaveSingleItem().HostIp.ShouldBe("127.0.0.1");
    }

    [Fact]
    public void Interpolation_reads_dot_env_and_defaults()
    {
        using var t = new TempTree();
        t.Write(".env", "# env\nTOR_USER=root\nexport BIND=\"0.0.0.0\"\n");
        t.Write("compose.yaml", """
            version: "3.8"
            services:
              a:
                image: ${IMAGE:-tor}:${TAG-latest}
                user: ${TOR_USER}
                ports: ["${BIND}:9050:9050", "$${NOT}:1:1"]
            """);
        var result = t.Check();
        var a = result.Deployment.ComposeProjects.Single().Service("a")!;
        a.Image!.Value.ShouldBe("tor:latest");
        a.User!.Value.ShouldBe("root");
        a.Ports[0].HostIp.ShouldBe("0.0.0.0");
        result.Of("CMP007").ShouldHaveSingleItem();
        result.Of("CMP010").ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData("${A}", "1")]
    [InlineData("${UNSET:-d}", "d")]
    [InlineData("${EMPTY:-d}", "d")]
    [InlineData("${EMPTY-d}", "")]
    [InlineData("${A:+alt}", "alt")]
    [InlineData("${UNSET:-${A}x}", "1x")]
    [InlineData("$$A", "$A")]
    [InlineData("$A$UNSET", "1")]
    public void Interpolation_follows_compose(string raw, string expected)
    {
        var env = new Dictionary<string, string> { ["A"] = "1", ["EMPTY"] = "" };
        var value = Interpolation.Apply(raw, env, out _);
        value.ShouldBe(expected);
    }
}

public class ComposeExtendsTests
{
    [Fact]
    public void Extends_in_the_same_project_and_in_another_file_merge_base_first()
    {
        using var t = new TempTree();
        t.Write("common/base.yaml", "services:\n  hardened:\n    cap_drop: [ALL]\n    read_only: true\n  root:\n    extends: hardened\n    user: root\n");
        t.Write("compose.yaml", """
            services:
              base:
                image: tor:1
                privileged: true
              tor:
                extends: base
                privileged: false
              web:
                extends:
                  file: common/base.yaml
                  service: root
                image: nginx:1.27
            """);
        var result = t.Check();
        var project = result.Deployment.ComposeProjects.Single(p => p.Services.Any(s => s.Name == "web"));
        var tor = project.Service("tor")!;
        tor.Image!.Value.ShouldBe("tor:1");
        tor.Privileged!.Value.ShouldBe("false");
        var web = project.Service("web")!;
        web.User!.Value.ShouldBe("root");
        web.ReadOnly!.AsBool.ShouldBe(true);
        web.CapDrop.ShouldHaveSingleItem();
        var root = result.Of("CMP007").Where(f => f.Path.EndsWith("common/base.yaml", StringComparison.Ordinal) && f.Message.Contains("'web'", StringComparison.Ordinal)).ShouldHaveSingleItem();
        root.Where().ShouldBe("7:11");
        result.Of("CMP002").Count().ShouldBe(1);
    }

    [Fact]
    public void Extends_cycles_and_missing_bases_are_reported()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    extends: b\n  b:\n    extends: a\n  c:\n    extends: nowhere\n");
        var r = t.Check();
        r.Of("CL0001").ShouldNotBeEmpty();
        r.Of("CL0004").ShouldHaveSingleItem().Where().ShouldBe("7:14");
    }
}
