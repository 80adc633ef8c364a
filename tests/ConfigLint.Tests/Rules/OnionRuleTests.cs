using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Rules;

/// <summary>XF003–XF005 beyond their fixtures: grading, deduplication and the address onion visitors arrive from.</summary>
public class OnionRuleTests
{
    private const string SeparateCompose = """
        services:
          tor:
            image: alpine:3.20
            networks:
              front: {}
              onion:
                ipv4_address: 172.28.0.5
            volumes:
              - ./torrc:/etc/tor/torrc:ro
          web:
            image: nginx:1.27
            networks: [onion]
            volumes:
              - ./site.conf:/etc/nginx/conf.d/default.conf:ro
        networks:
          front:
          onion:
            internal: true
        """;

    [Fact]
    public void XF003_external_network_that_is_tors_only_one_has_egress()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    networks: [shared]\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n  web:\n    image: nginx:1.27\n    networks: [shared]\nnetworks:\n  shared:\n    external: true\n");
        t.Write("torrc", "HiddenServiceDir /var/lib/tor/hs/\nHiddenServicePort 80 web:80\n");
        var f = t.Check("XF003").Of("XF003").ShouldHaveSingleItem();
        f.Level.ShouldBe(DiagnosticLevel.Error);
        f.Where().ShouldBe("8:16");
        f.Related.Select(r => Path.GetFileName(r.Location.Path)).ShouldContain("torrc");
    }

    [Fact]
    public void XF003_reports_each_hidden_service_port_into_tors_own_container_and_nothing_for_a_tor_without_egress()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n");
        t.Write("torrc", "HiddenServiceDir /var/lib/tor/hs/\nHiddenServicePort 80 127.0.0.1:8080\nHiddenServicePort 443 127.0.0.1:8443\n");
        var findings = t.Check("XF003").Of("XF003").ToList();
        findings.Select(f => (f.Where(), f.Level, f.SecuritySeverity)).ShouldBe([("2:1", DiagnosticLevel.Warning, 6.5), ("3:1", DiagnosticLevel.Warning, 6.5)]);

        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    networks: [inner]\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\nnetworks:\n  inner:\n    internal: true\n");
        t.Check("XF003").Of("XF003").ShouldBeEmpty();
    }

    [Fact]
    public void XF004_one_finding_per_listen_line_with_every_forward_related()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n    volumes: [\"./site.conf:/etc/nginx/conf.d/default.conf:ro\"]\n");
        t.Write("torrc", "HiddenServiceDir /var/lib/tor/a/\nHiddenServicePort 80 web:80\nHiddenServiceDir /var/lib/tor/b/\nHiddenServicePort 80 web:80\n");
        t.Write("site.conf", "server {\n    listen 80;\n    server_name a.onion b.onion;\n}\n");
        var f = t.Check("XF004").Of("XF004").ShouldHaveSingleItem();
        f.Where().ShouldBe("2:5");
        f.Related.Count(r => Path.GetFileName(r.Location.Path) == "torrc").ShouldBe(2);
        f.Related.ShouldContain(r => Path.GetFileName(r.Location.Path) == "compose.yaml");
    }

    [Fact]
    public void XF004_ipv4_and_ipv6_listens_on_one_published_port_are_one_finding()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n    volumes: [\"./site.conf:/etc/nginx/conf.d/default.conf:ro\"]\n");
        t.Write("torrc", "HiddenServiceDir /var/lib/tor/a/\nHiddenServicePort 80 web:80\n");
        t.Write("site.conf", "server {\n    listen 80;\n    listen [::]:80;\n    server_name localhost;\n}\n");
        var f = t.Check("XF004").Of("XF004").ShouldHaveSingleItem();
        f.Where().ShouldBe("2:5");
        f.Related.ShouldContain(r => r.Location.LineSpan.Start.Line == 2 && Path.GetFileName(r.Location.Path) == "site.conf");
    }

    [Fact]
    public void XF004_onion_server_bound_to_loopback_in_tors_stack_is_not_on_clearnet()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n  web:\n    image: nginx:1.27\n    network_mode: service:tor\n    volumes: [\"./site.conf:/etc/nginx/conf.d/default.conf:ro\"]\n");
        t.Write("torrc", "HiddenServiceDir /var/lib/tor/a/\nHiddenServicePort 80 127.0.0.1:8080\n");
        t.Write("site.conf", "server {\n    listen 127.0.0.1:8080;\n    server_name a.onion;\n}\n");
        t.Check("XF004").Of("XF004").ShouldBeEmpty();
    }

    [Fact]
    public void XF005_uses_tors_static_address_when_compose_gives_one()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", SeparateCompose);
        t.Write("torrc", "HiddenServiceDir /var/lib/tor/hs/\nHiddenServicePort 80 web:80\n");
        t.Write("site.conf", """
            server {
                listen 80;
                location /a/ {
                    allow 172.28.0.9;
                    deny all;
                }
                location /b/ {
                    allow 172.28.0.0/24;
                    deny all;
                }
            }
            """);
        var f = t.Check("XF005").Of("XF005").ShouldHaveSingleItem();
        f.Where().ShouldBe("8:9");
        f.Message.ShouldContain("172.28.0.5");
    }

    [Fact]
    public void XF005_map_regex_on_remote_addr_and_servers_sharing_the_socket()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n  web:\n    image: nginx:1.27\n    network_mode: service:tor\n    volumes: [\"./site.conf:/etc/nginx/conf.d/default.conf:ro\"]\n");
        t.Write("torrc", "HiddenServiceDir /var/lib/tor/hs/\nHiddenServicePort 80 127.0.0.1:8080\n");
        t.Write("site.conf", """
            map $remote_addr $is_local {
                default 0;
                ~^127\. 1;
            }
            server {
                listen 8080;
                server_name a.onion;
                if ($is_local) { return 200 "debug"; }
            }
            server {
                listen 8080;
                server_name status.internal;
                location / { stub_status; }
            }
            server {
                listen 9090;
                location / { stub_status; }
            }
            """);
        var findings = t.Check("XF005").Of("XF005").ToList();
        findings.Select(f => f.Where()).ShouldBe(["3:5", "13:18"]);
        findings[1].Message.ShouldContain("Host header");
    }
}
