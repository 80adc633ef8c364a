using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

public class DiscoveryTests
{
    [Theory]
    [InlineData("etc/tor/torrc", Language.Tor)]
    [InlineData("torrc.middle", Language.Tor)]
    [InlineData("relay.torrc", Language.Tor)]
    [InlineData("torrc-defaults", Language.Tor)]
    [InlineData("etc/torrc.d/50-user.conf", Language.Tor)]
    [InlineData("compose.yaml", Language.Compose)]
    [InlineData("compose.prod.yml", Language.Compose)]
    [InlineData("docker-compose.override.yml", Language.Compose)]
    [InlineData("Dockerfile", Language.Dockerfile)]
    [InlineData("Dockerfile.alpine", Language.Dockerfile)]
    [InlineData("Dockerfile-tester", Language.Dockerfile)]
    [InlineData("squid.conf.basicauth", Language.Squid)]
    [InlineData("tor.Dockerfile", Language.Dockerfile)]
    [InlineData("Containerfile", Language.Dockerfile)]
    [InlineData("squid.conf", Language.Squid)]
    [InlineData("squid-ssl.conf", Language.Squid)]
    [InlineData("proxy.squid.conf", Language.Squid)]
    [InlineData("nginx.conf", Language.Nginx)]
    [InlineData("conf.d/site.conf", Language.Nginx)]
    [InlineData("etc/squid/conf.d/debian.conf", Language.Squid)]
    [InlineData("docker/squid/conf.d/local.conf", Language.Squid)]
    [InlineData("etc/nginx/conf.d/default.conf", Language.Nginx)]
    [InlineData("sites-enabled/onion.conf", Language.Nginx)]
    [InlineData("site.nginx", Language.Nginx)]
    [InlineData("rules.v4", Language.Iptables)]
    public void Names_follow_the_design_table(string path, Language language) =>
        LanguageDetector.ByName(path).ShouldBe(language);

    [Theory]
    [InlineData("README.md")]
    [InlineData("settings.conf")]
    [InlineData("torrc.d/.hidden")]
    [InlineData("dockerfile.png")]
    [InlineData("docker-compose.txt")]
    public void Other_names_say_nothing(string path) => LanguageDetector.ByName(path).ShouldBeNull();

    [Fact]
    public void Content_sniffing_finds_torrc_and_compose_files_with_other_names()
    {
        using var t = new TempTree();
        t.Write("tor/main.conf", "# relay\nORPort 9001\nExitRelay 0\nExitPolicy reject *:*\nNickname relay1\n");
        t.Write("web/site.conf", "server {\n  listen 80;\n  root /srv;\n}\n");
        t.Write("proxy/edge.conf", "http_port 3128\nacl lan src 10.0.0.0/8\nhttp_access allow lan\nhttp_access deny all\nlogformat x %{%Y}tl\n");
        t.Write("nginx/conf.d/squid.conf", "http_port 3128\nacl lan src 10.0.0.0/8\nhttp_access allow lan\n");
        t.Write("stack/prod.yml", "services:\n  a:\n    image: x:1\n    privileged: true\n");
        t.Write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
        t.Write("doc/torrc_format.txt", "This document describes the torrc format.\nIt is prose.\n");
        var result = t.Check();
        result.Trees.Select(tree => (Path.GetFileName(tree.Path), tree.Language)).OrderBy(x => x.Item1, StringComparer.Ordinal)
            .ShouldBe([("edge.conf", Language.Squid), ("main.conf", Language.Tor), ("prod.yml", Language.Compose), ("site.conf", Language.Nginx), ("squid.conf", Language.Squid)]);
        result.Of("CMP002").ShouldHaveSingleItem();
    }

    /// <summary>
    /// Issue 16: squid's own test configurations (test-suite/squidconf) are .conf files that often exercise one
    /// directive; every line of them is squid's, which is enough. nginx and torrc content stays theirs.
    /// </summary>
    [Fact]
    public void Squid_content_in_any_conf_is_read_as_squid_and_nginx_or_torrc_content_is_not()
    {
        using var t = new TempTree();
        t.Write("squidconf/bad-regex.conf", "## test\nacl foo browser *\n");
        t.Write("squidconf/regressions.conf", "delay_pools 1\ndelay_class 1 1\ndelay_parameters 1 none\n");
        t.Write("squidconf/time_units.conf", "# units\ndns_timeout 1 millisecond\ndns_timeout 0.001 second\n");
        t.Write("squidconf/external_acl_type.conf", "external_acl_type foo \\\n\t%LOGIN \\\n\t%>{Hdr:;member} \\\n\t%%  /bin/true\n");
        t.Write("squidconf/mgr_passwd.conf", "cachemgr_passwd password1 utilization\ncachemgr_passwd none menu\n");
        t.Write("squidconf/bad-pp-space.conf", "\t memory_pools\t \toff\nhttp_access\v deny all\ndebug_options\u00a0 ALL,1 2,3\nforward\ufe4fmax_tries 13\n");
        // Not squid: an nginx fragment with a squid-like name, a torrc with short options, a one-directive stray, an ini file.
        t.Write("web/proxy.conf", "location / {\n  proxy_pass http://backend;\n}\nclient_max_body_size 10m;\n");
        t.Write("web/cache.conf", "proxy_cache_path /var/cache levels=1:2 keys_zone=one:10m;\nproxy_cache one;\n");
        t.Write("tor/client.conf", "SocksPort 9050\nDataDirectory /var/lib/tor\nExitPolicy reject *:*\n");
        t.Write("tor/short.conf", "Log notice stdout\nUser tor\n");
        t.Write("misc/daemon.conf", "umask 022\n");
        t.Write("misc/app.conf", "[main]\nlogfile_rotate = 4\nacl = none\n");
        var languages = t.Check().Trees.ToDictionary(tree => tree.Path.Replace('\\', '/'), tree => tree.Language);
        foreach (var squid in new[] { "bad-regex.conf", "regressions.conf", "time_units.conf", "external_acl_type.conf", "mgr_passwd.conf", "bad-pp-space.conf" })
        {
            languages.ShouldContainKeyAndValue($"squidconf/{squid}", Language.Squid);
        }

        languages.ShouldContainKeyAndValue("web/proxy.conf", Language.Nginx);
        languages.ShouldContainKeyAndValue("web/cache.conf", Language.Nginx);
        languages.ShouldContainKeyAndValue("tor/client.conf", Language.Tor);
        languages.GetValueOrDefault("tor/short.conf").ShouldNotBe(Language.Squid);
        languages.ShouldNotContainKey("misc/daemon.conf");
        languages.ShouldNotContainKey("misc/app.conf");
    }

    [CorpusFact]
    public void Every_squid_test_suite_configuration_is_read_as_squid()
    {
        var folder = Path.Combine(Repo.Corpus, "squid", "squid-cache-squid", "test-suite", "squidconf");
        var result = Lint.Run(folder, [folder]);
        var read = result.Trees.Where(tree => tree.Language == Language.Squid).Select(tree => Path.GetFileName(tree.Path)).ToHashSet();
        var configurations = Directory.EnumerateFiles(folder, "*.conf").Where(f => new FileInfo(f).Length > 0 && File.ReadAllLines(f).Any(l => l.Length > 0 && l[0] != '#'))
            .Select(Path.GetFileName).ToList();
        configurations.Count.ShouldBeGreaterThan(10);
        configurations.Where(c => !read.Contains(c!)).ShouldBeEmpty();
        result.Trees.Where(tree => tree.Language != Language.Squid).ShouldBeEmpty();
    }

    [Fact]
    public void An_explicit_file_that_is_not_a_config_is_an_error()
    {
        using var t = new TempTree();
        var readme = t.Write("README.md", "# hello\n");
        var result = Lint.Run(t.Root, [readme]);
        result.Errors.ShouldHaveSingleItem().ShouldContain("is not a torrc");
    }

    [Fact]
    public void Dot_git_and_node_modules_are_skipped()
    {
        using var t = new TempTree();
        t.Write(".git/torrc", "SocksPort 0.0.0.0:9050\n");
        t.Write("node_modules/x/torrc", "SocksPort 0.0.0.0:9050\n");
        t.Check().Trees.ShouldBeEmpty();
    }

    /// <summary>Issue 16: a template of a daemon's file, and prose named like a torrc, are skipped with one note each.</summary>
    [Fact]
    public void Templates_and_prose_named_like_configurations_are_skipped_with_a_note()
    {
        using var t = new TempTree();
        t.Write("salt/squid.conf", "{%- from \"squid/map.jinja\" import proxy with context %}\nhttp_port {{ proxy.port }}\nhttp_access allow all\n");
        t.Write("ansible/torrc", "SocksPort {{ socks_port }}\n");
        t.Write("chef/nginx.conf", "events {}\nhttp { server { listen <%= @port %>; } }\n");
        t.Write("docs/torrc.examples", string.Concat(Enumerable.Repeat("This paragraph explains how bridges help users reach the network.\n", 12)) + "UseBridges 1\n");
        // Not templates: envsubst variables in the official nginx image's templates, and regex braces.
        t.Write("templates/default.conf.template", "server { listen ${NGINX_PORT}; location ~ ^/[0-9]{2,4}$ { return 404; } }\n");
        t.Write("real/torrc.bridge", "BridgeRelay 1\nORPort 9001\nServerTransportPlugin obfs4 exec /usr/bin/obfs4proxy\n");
        var result = t.Check();
        var notes = string.Join("\n", result.Notes);
        notes.ShouldContain("'salt/squid.conf' is a template (a Jinja statement '{%', line 1), not a squid file");
        notes.ShouldContain("'ansible/torrc' is a template (a template expression '{{ }}', line 1)");
        notes.ShouldContain("'chef/nginx.conf' is a template (an ERB tag '<%', line 2)");
        notes.ShouldContain("'docs/torrc.examples' reads as prose, not a torrc");
        var analysed = result.Trees.Select(tree => tree.Path).ToList();
        analysed.ShouldNotContain("salt/squid.conf");
        analysed.ShouldNotContain("docs/torrc.examples");
        analysed.ShouldContain("real/torrc.bridge");
        result.Findings.ShouldNotContain(f => f.Path.StartsWith("salt/") || f.Path.StartsWith("ansible/") || f.Path.StartsWith("chef/") || f.Path.StartsWith("docs/"));
    }
}
