using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Rules;

/// <summary>Edge cases and cross-file behaviour beyond the fixtures.</summary>
public class RuleBehaviourTests
{
    private static ConfigLint.Analysis.Engine.AnalysisResult Torrc(string text, params string[] select)
    {
        using var t = new TempTree();
        t.Write("torrc", text);
        return t.Check(select);
    }

    [Fact]
    public void TOR001_reports_each_exposed_line_and_ignores_loopback_and_unix()
    {
        var r = Torrc("SocksPort 127.0.0.1:9050\nSocksPort 0.0.0.0:9150\nSocksPort unix:/run/tor.sock\nSOCKSPORT 10.0.0.2:9250\nTransPort [::]:9040\n", "TOR001");
        r.Of("TOR001").Select(f => (f.Where(), f.Level, f.SecuritySeverity)).ShouldBe([
            ("2:11", DiagnosticLevel.Warning, 7.5),
            ("4:11", DiagnosticLevel.Warning, 5.3),
            ("5:11", DiagnosticLevel.Warning, 7.5),
        ]);
    }

    [Fact]
    public void TOR002_accepts_the_ipv4_and_ipv6_pair_and_reports_dead_entries()
    {
        Torrc("SocksPort 0.0.0.0:9050\nSocksPolicy accept 10.0.0.0/8\nSocksPolicy reject *4, reject *6\n", "TOR002").Of("TOR002").ShouldBeEmpty();
        var r = Torrc("SocksPort 0.0.0.0:9050\nSocksPolicy reject *4\n", "TOR002");
        r.Of("TOR002").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Warning);
        var dead = Torrc("SocksPort 0.0.0.0:9050\nSocksPolicy reject *\nSocksPolicy accept 10.0.0.0/8\n", "TOR002").Of("TOR002").ShouldHaveSingleItem();
        dead.Level.ShouldBe(DiagnosticLevel.Note);
        dead.Where().ShouldBe("3:13");
    }

    [Fact]
    public void TOR003_variants()
    {
        Torrc("ControlPort 9051\nHashedControlPassword 16:ABC\n", "TOR003").Of("TOR003").ShouldBeEmpty();
        Torrc("ControlPort 0.0.0.0:9051\n", "TOR003").Of("TOR003").ShouldHaveSingleItem().SecuritySeverity.ShouldBe(5.0);
        Torrc("ControlSocket /run/tor/control\n", "TOR003").Of("TOR003").ShouldHaveSingleItem().SecuritySeverity.ShouldBe(6.7);
        Torrc("ControlPort unix:/run/tor/c WorldWritable\nCookieAuthentication 1\n", "TOR003").Of("TOR003").ShouldHaveSingleItem().SecuritySeverity.ShouldBe(7.0);
    }

    [Fact]
    public void TOR004_without_policy_is_only_a_note()
    {
        Torrc("MetricsPort 127.0.0.1:9035\n", "TOR004").Of("TOR004").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Note);
    }

    [Fact]
    public void TOR005_not_for_bridges_client_only_or_explicit_policies()
    {
        Torrc("ORPort 9001\nBridgeRelay 1\n", "TOR005").Of("TOR005").ShouldBeEmpty();
        Torrc("ORPort 9001\nClientOnly 1\n", "TOR005").Of("TOR005").ShouldBeEmpty();
        Torrc("ORPort 9001\nExitPolicy reject *:*\n", "TOR005").Of("TOR005").ShouldBeEmpty();
        Torrc("ORPort 0\n", "TOR005").Of("TOR005").ShouldBeEmpty();
        Torrc("ORPort 9001\n", "TOR005").Of("TOR005").ShouldHaveSingleItem().Where().ShouldBe("1:1");
    }

    [Fact]
    public void TOR006_default_policy_variants()
    {
        Torrc("ORPort 9001\nExitRelay 1\n", "TOR006").Of("TOR006").ShouldHaveSingleItem().SecuritySeverity.ShouldBe(6.5);
        Torrc("ORPort 9001\nIPv6Exit 1\n", "TOR006").Of("TOR006").ShouldHaveSingleItem().Where().ShouldBe("2:1");
        Torrc("ORPort 9001\nExitPolicy accept *:80, reject *4, reject *6\n", "TOR006").Of("TOR006").ShouldBeEmpty();
        Torrc("ORPort 9001\nExitPolicy accept6 1.2.3.4:80, reject *:*\n", "TOR006").Of("TOR006").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Note);
        Torrc("ORPort 9001\nBridgeRelay 1\nExitPolicy accept *:80\n", "TOR006").Of("TOR006").ShouldBeEmpty();
    }

    [Fact]
    public void TOR007_client_options_only_on_client_or_onion_hosts()
    {
        Torrc("SocksPort 0\nClientDNSRejectInternalAddresses 0\n", "TOR007").Of("TOR007").ShouldBeEmpty();
        Torrc("ClientDNSRejectInternalAddresses 0\n", "TOR007").Of("TOR007").ShouldHaveSingleItem().SecuritySeverity.ShouldBe(5.4);
        Torrc("ExtendAllowPrivateAddresses 1\n", "TOR007").Of("TOR007").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Warning);
    }

    [Fact]
    public void TOR008_mentions_accounting_and_respects_client_only()
    {
        var f = Torrc("ORPort 9001\nAccountingMax 10 GB\nHiddenServiceDir /var/lib/tor/hs\nHiddenServicePort 80\n", "TOR008").Of("TOR008").ShouldHaveSingleItem();
        f.Message.ShouldContain("AccountingMax");
        f.Where().ShouldBe("3:1");
        Torrc("ORPort 9001\nClientOnly 1\nHiddenServiceDir /var/lib/tor/hs\n", "TOR008").Of("TOR008").ShouldBeEmpty();
    }

    [Fact]
    public void TOR009_explains_missing_companion_and_socks_port()
    {
        var f = Torrc("HiddenServiceNonAnonymousMode 1\n", "TOR009").Of("TOR009").ShouldHaveSingleItem();
        f.Message.ShouldContain("HiddenServiceSingleHopMode 1");
        f.Message.ShouldContain("SocksPort 0");
    }

    [Fact]
    public void TOR011_target_defaults_are_loopback()
    {
        Torrc("HiddenServiceDir /var/lib/tor/hs\nHiddenServicePort 80\nHiddenServicePort 81 8081\nHiddenServicePort 82 [::1]:82\n", "TOR011").Of("TOR011").ShouldBeEmpty();
    }

    [Fact]
    public void TOR014_invalid_nickname_even_on_clients()
    {
        Torrc("Nickname way-too-long-nickname-for-tor\n", "TOR014").Of("TOR014").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Error);
    }

    [Fact]
    public void TOR015_safelogging_relay_on_a_client()
    {
        Torrc("SafeLogging relay\n", "TOR015").Of("TOR015").ShouldHaveSingleItem();
        Torrc("SocksPort 0\nORPort 9001\nSafeLogging relay\n", "TOR015").Of("TOR015").ShouldBeEmpty();
        Torrc("Log [circ]info notice stdout\n", "TOR015").Of("TOR015").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Note);
    }

    [Fact]
    public void CMP001_exempts_relay_ports_from_the_mounted_torrc_but_notes_the_dirport()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  relay:\n    image: tor:0.4.8\n    ports: [\"9001:9001\", \"9030:9030\", \"9050:9050\"]\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n");
        t.Write("torrc", "ORPort 9001\nDirPort 9030\nExitPolicy reject *:*\n");
        var findings = t.Check("CMP001").Of("CMP001").ToList();
        findings.Select(f => (f.Where(), f.Level)).ShouldBe([("4:26", DiagnosticLevel.Note), ("4:39", DiagnosticLevel.Warning)]);
    }

    [Fact]
    public void CMP001_skips_internal_only_and_host_network_services_and_loopback_binding()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", """
            services:
              a:
                image: x:1
                networks: [inner]
                ports: ["3306:3306"]
              b:
                image: x:1
                network_mode: host
                ports: ["3306:3306"]
              c:
                image: x:1
                networks: [lo]
                ports: ["3306:3306"]
            networks:
              inner:
                internal: true
              lo:
                driver_opts:
                  com.docker.network.bridge.host_binding_ipv4: "127.0.0.1"
            """);
        t.Check("CMP001").Of("CMP001").ShouldBeEmpty();
    }

    [Fact]
    public void CMP001_onion_backend_publishing_a_web_port_is_a_warning()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    volumes: [\"./tor:/etc/tor\"]\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n");
        t.Write("tor/torrc", "SocksPort 0\nHiddenServiceDir /var/lib/tor/hs\nHiddenServicePort 80 web:80\n");
        var f = t.Check("CMP001").Of("CMP001").ShouldHaveSingleItem();
        f.Level.ShouldBe(DiagnosticLevel.Warning);
        f.Message.ShouldContain("onion-service backend");
    }

    [Fact]
    public void CMP003_net_admin_for_iptables_is_a_note()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  router:\n    image: x:1\n    cap_drop: [ALL]\n    cap_add: [NET_ADMIN]\n    command: sh -c 'iptables-restore < /rules && tor'\n");
        t.Check("CMP003").Of("CMP003").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Note);
    }

    [Fact]
    public void CMP002_and_CMP006_accept_yaml_1_1_booleans_and_equals_separators()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    privileged: 'yes'\n    read_only: on\n    cap_drop: [all]\n    security_opt: [\"no-new-privileges=true\", \"apparmor=unconfined\"]\n");
        var r = t.Check("CMP002", "CMP006");
        r.Of("CMP002").ShouldHaveSingleItem();
        r.Of("CMP006").ShouldHaveSingleItem().Message.ShouldContain("apparmor=unconfined");
    }

    [Fact]
    public void CMP006_names_everything_missing_in_one_note_per_service_and_CMP003_no_longer_repeats_cap_drop()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  bare:\n    image: x:1\n  partly:\n    image: x:1\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n  full:\n    image: x:1\n    cap_drop: [ALL]\n    read_only: true\n    security_opt: [no-new-privileges:true]\n");
        var r = t.Check("CMP003", "CMP006");
        r.Of("CMP003").ShouldBeEmpty();
        var notes = r.Of("CMP006").ToList();
        notes.Select(f => f.Where()).ShouldBe(["2:3", "4:3"]);
        notes[0].Message.ShouldContain("cap_drop: [ALL]");
        notes[0].Message.ShouldContain("no-new-privileges:true");
        notes[0].Message.ShouldContain("read_only: true");
        notes[0].Fix.ShouldNotBeNull();
        notes[1].Message.ShouldNotContain("cap_drop");
        notes[1].Message.ShouldNotContain("no-new-privileges");
        notes[1].Message.ShouldContain("read_only: true");
        notes[1].Fix.ShouldBeNull();
    }

    [Fact]
    public async Task Shell_words_split_by_a_vertical_tab_or_a_here_string_do_not_stall_the_shell_reader()
    {
        // Found by the fuzzer: the reader skipped only spaces and tabs between words while a word ended at any blank,
        // so a vertical tab (or a '<<<' here-string) stopped it in place, piling up empty words until memory ran out.
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM alpine:3.20\n\nRUN apk add --no-cache procp\vs samba-client && cat <<< done\nCMD [\"sh\", \"-c\", \"tor\fx <<< y\"]");
        var run = Task.Run(() => t.Check("DKR001"));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)))).ShouldBeSameAs(run, "the analysis must finish");
        (await run).Of("DKR001").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Warning);
    }

    [Fact]
    public void CMP008_notes_interpolated_secrets_and_skips_file_variables()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    environment:\n      - API_TOKEN=${TOKEN}\n      - DB_PASSWORD_FILE=/run/secrets/db\n      - SECRET_KEY_FILE=/etc/app/key\n      - PUBLIC_KEY=abc\n      - MONKEY=banana\n      - ADMIN_PASSWORD_FILE=hunter2\n");
        t.Check("CMP008").Of("CMP008").Select(f => (f.Where(), f.Level)).ShouldBe([("5:9", DiagnosticLevel.Note), ("10:9", DiagnosticLevel.Warning)]);
    }

    [Fact]
    public void CMP009_relative_binds_and_read_only_exemptions_are_fine()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    volumes:\n      - ./etc:/etc/app\n      - /etc/timezone:/etc/timezone:ro\n      - /var/run/docker.sock:/var/run/docker.sock\n      - /home/me/.ssh:/root/.ssh:ro\n");
        t.Check("CMP009").Of("CMP009").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Warning);
    }

    [Fact]
    public void CMP010_registry_ports_are_not_tags()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: localhost:5000/tor\n  b:\n    image: localhost:5000/tor:0.4.8\n");
        t.Check("CMP010").Of("CMP010").ShouldHaveSingleItem().Where().ShouldBe("3:12");
    }
}

public class CrossFileLinkTests
{
    [Fact]
    public void Torrc_delivered_as_a_compose_config_links_the_service()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", """
            services:
              relay:
                image: tor:0.4.8
                ports: ["443:443", "9050:9050"]
                configs:
                  - source: torrc
                    target: /etc/tor/torrc
            configs:
              torrc:
                file: ./relay.torrc
            """);
        t.Write("relay.torrc", "ORPort 443\nExitRelay 0\nExitPolicy reject *:*\n");
        var r = t.Check("CMP001");
        var project = r.Deployment.ComposeProjects.Single();
        r.Deployment.TorConfigsOf(project.Service("relay")!).ShouldHaveSingleItem();
        r.Of("CMP001").ShouldHaveSingleItem().Message.ShouldContain("9050");
    }

    [Fact]
    public void Tor_lowers_TOR001_to_a_note_for_an_internal_only_service()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: tor:1\n    networks: [inner]\n    volumes: [\"./tor:/etc/tor:ro\"]\nnetworks:\n  inner:\n    internal: true\n");
        t.Write("tor/torrc", "SocksPort 0.0.0.0:9050\nSocksPolicy accept 172.16.0.0/12, reject *\n");
        var f = t.Check("TOR001").Of("TOR001").ShouldHaveSingleItem();
        f.Level.ShouldBe(DiagnosticLevel.Note);
        f.SecuritySeverity.ShouldBe(3.0);
    }
}

public class DockerfileRuleTests
{
    private static ConfigLint.Analysis.Engine.AnalysisResult Dockerfile(string text, params string[] select)
    {
        using var t = new TempTree();
        t.Write("Dockerfile", text);
        return t.Check(select);
    }

    [Fact]
    public void DKR003_skips_public_key_ids_and_switches()
    {
        Dockerfile("FROM alpine:3.20\nARG TOR_KEY=0x6AFEE6D49E92B601\nENV TOR_GPG_KEY=B35B F85B F194 89D0\nENV MYSQL_ALLOW_EMPTY_PASSWORD=yes\nENV PGP_KEY_SERVER=hkps://keys.openpgp.org\n", "DKR003")
            .Findings.ShouldBeEmpty();
        Dockerfile("FROM alpine:3.20\nARG TOR_KEY=hunter2\n", "DKR003").Of("DKR003").ShouldHaveSingleItem();
    }

    [Fact]
    public void DKR005_whole_filesystem_only_from_a_builder_into_the_runtime()
    {
        Dockerfile("FROM tonistiigi/xx:1.5 AS xx\nFROM golang:1.22 AS build\nCOPY --from=xx / /\nRUN go build\nFROM alpine:3.20\nCOPY --from=build /out /app\n", "DKR005").Findings.ShouldBeEmpty();
    }

    [Fact]
    public void DKR004_archives_and_checksums_are_fine()
    {
        Dockerfile("FROM alpine:3.20\nADD rootfs.tar.xz /\nADD --checksum=sha256:abc https://example.org/a.tgz /\n", "DKR004").Findings.ShouldBeEmpty();
        Dockerfile("FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src\n", "DKR004").Of("DKR004").ShouldHaveSingleItem().SecuritySeverity.ShouldBe(5.9);
    }

    [Fact]
    public void DKR002_escape_directive_heredoc_and_stage_names()
    {
        var r = Dockerfile("# escape=`\nARG V=3.20\nFROM alpine:${V} AS Build\nRUN <<EOF\napk add tor\nEOF\nFROM build\nFROM ubuntu\n", "DKR002");
        r.Of("DKR002").Select(f => (f.Where(), f.Level)).ShouldBe([("4:1", DiagnosticLevel.Note), ("8:6", DiagnosticLevel.Warning)]);
    }
}

public class DockerIgnoreTests
{
    [Theory]
    [InlineData("secrets/\n", "secrets/hs_ed25519_secret_key", true)]
    [InlineData("**/*.key\n!public.key\n", "certs/server.key", true)]
    [InlineData("**/*.key\n!public.key\n", "public.key", false)]
    [InlineData("# comment\n*.pem\n", "a/b.pem", false)]
    [InlineData("./keys\n", "keys/id_rsa", true)]
    public void Patterns_follow_dockerignore(string file, string path, bool excluded) =>
        new ConfigLint.Semantics.Dockerfile.DockerIgnore(file).IsExcluded(path).ShouldBe(excluded);

    [Fact]
    public void DKR005_skips_sources_the_dockerignore_excludes()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM alpine:3.20\nCOPY id_rsa /root/.ssh/id_rsa\nCOPY .env /app/.env\n");
        t.Write(".dockerignore", "# never send secrets to the daemon\n.env\n");
        var f = t.Check("DKR005").Of("DKR005").ShouldHaveSingleItem();
        f.Where().ShouldBe("2:6");
    }
}

public class DockerfileTorLinkTests
{
    [Theory]
    [InlineData("RUN apk add --no-cache tor=0.2.9.17-r0", DiagnosticLevel.Error)]
    [InlineData("RUN apt-get install -y tor=0.4.8.13-1", DiagnosticLevel.Note)]
    [InlineData("ARG TOR_VERSION=0.3.4.11", DiagnosticLevel.Error)]
    [InlineData("RUN apk add --no-cache tor", DiagnosticLevel.Warning)]
    public void TOR005_level_follows_the_tor_version_the_image_pins(string line, DiagnosticLevel level)
    {
        using var t = new TempTree();
        t.Write("relay/Dockerfile", $"FROM alpine:3.20\n{line}\nCOPY torrc /etc/tor/torrc\nUSER tor\nHEALTHCHECK NONE\n");
        t.Write("relay/torrc", "ORPort 9001\nNickname relay\nContactInfo ops@example.org\n");
        t.Check("TOR005").Of("TOR005").ShouldHaveSingleItem().Level.ShouldBe(level);
    }

    [Fact]
    public void DKR007_and_TOR001_see_a_torrc_copied_into_the_image()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM alpine:3.20\nCOPY conf/ /etc/tor/\nEXPOSE 9050\nUSER tor\n");
        t.Write("conf/torrc", "SocksPort 0.0.0.0:9050\nSocksPolicy accept 10.0.0.0/8, reject *\n");
        var r = t.Check("DKR007");
        r.Deployment.DockerfileOf(r.Deployment.TorConfigs.Single()).ShouldNotBeNull();
        r.Of("DKR007").ShouldHaveSingleItem().Where().ShouldBe("3:8");
    }
}

public class ComposeBuildArgsTests
{
    [Fact]
    public void Compose_build_args_override_ARG_defaults()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "ARG BASE=alpine:3.20\nFROM $BASE\nARG RUN_AS=10001\nUSER $RUN_AS\nHEALTHCHECK NONE\n");
        t.Check("DKR001", "DKR002").Findings.ShouldBeEmpty();
        t.Write("compose.yaml", "services:\n  app:\n    build:\n      context: .\n      args:\n        BASE: alpine:latest\n        RUN_AS: root\n");
        var r = t.Check("DKR001", "DKR002");
        r.Of("DKR002").ShouldHaveSingleItem().Message.ShouldContain("'alpine:latest'");
        r.Of("DKR001").ShouldHaveSingleItem().Message.ShouldContain("USER 'root'");
    }
}

public class DaemonPrivilegeDropTests
{
    [Theory]
    [InlineData("FROM nginx:1.27\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n", "nginx")]
    [InlineData("FROM debian:12.7\nRUN apt-get install -y squid=5.7-2\nCMD [\"squid\", \"-N\"]\n", "squid")]
    public void DKR001_is_a_note_when_the_daemon_drops_root(string dockerfile, string daemon)
    {
        using var t = new TempTree();
        t.Write("Dockerfile", dockerfile);
        var f = t.Check("DKR001").Of("DKR001").ShouldHaveSingleItem();
        f.Level.ShouldBe(DiagnosticLevel.Note);
        f.Message.ShouldContain(daemon);
    }

    [Theory]
    [InlineData("CMD [\"chroot\", \"--userspec=app:app\", \"/\", \"/srv/app\"]", "chroot")]
    [InlineData("CMD [\"runuser\", \"-u\", \"app\", \"--\", \"/srv/app\"]", "runuser")]
    [InlineData("CMD su -s /bin/sh -c 'exec /srv/app' app", "su")]
    [InlineData("ENTRYPOINT [\"/bin/sh\", \"-c\", \"chown app /data && exec s6-setuidgid app /srv/app\"]", "s6-setuidgid")]
    [InlineData("CMD [\"tini\", \"--\", \"gosu\", \"$APP_USER\", \"/srv/app\"]", "gosu")]
    [InlineData("RUN apk add --no-cache squid~=6.9\nCMD [\"/start.sh\"]", "squid")]
    [InlineData("RUN apt-get install -y -o Dpkg::Options::=--force-confold squid=${SQUID_VERSION}*\nENTRYPOINT [\"/sbin/entrypoint.sh\"]", "squid")]
    [InlineData("RUN dnf install -y openresty\nCMD [\"/usr/bin/openresty\", \"-g\", \"daemon off;\"]", "worker")]
    [InlineData("CMD [\"tor\", \"--User\", \"debian-tor\"]", "--User debian-tor")]
    public void DKR001_is_a_note_when_the_command_switches_user(string lines, string evidence)
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM debian:12.7-slim\n" + lines + "\n");
        var f = t.Check("DKR001").Of("DKR001").ShouldHaveSingleItem();
        f.Level.ShouldBe(DiagnosticLevel.Note);
        f.Message.ShouldContain(evidence);
    }

    [Theory]
    [InlineData("CMD [\"gosu\", \"root\", \"/srv/app\"]")]
    [InlineData("CMD [\"su-exec\", \"0:0\", \"/srv/app\"]")]
    [InlineData("CMD [\"setpriv\", \"--regid=1000\", \"/srv/app\"]")]
    [InlineData("CMD su -c /srv/app")]
    [InlineData("CMD [\"chroot\", \"--userspec=0:0\", \"/\", \"/srv/app\"]")]
    [InlineData("RUN apt-get install -y squidclamav squid-langpack\nCMD [\"/srv/app\"]")]
    [InlineData("RUN apt-get install -y gosu\nCMD [\"/srv/app\"]")]
    [InlineData("RUN apt-get install -y nginx tor\nCMD [\"tor\"]")]
    public void DKR001_stays_a_warning_without_a_switch_to_a_non_root_user(string lines)
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM debian:12.7-slim\n" + lines + "\n");
        t.Check("DKR001").Of("DKR001").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Warning);
    }

    [Fact]
    public void DKR001_reads_the_entrypoint_script_from_a_copied_folder()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM alpine:3.20\nCOPY rootfs/ /\nENTRYPOINT [\"/usr/local/bin/start\"]\n");
        t.Write("rootfs/usr/local/bin/start", "#!/bin/sh\nset -e\nexec su-exec nobody:nobody /srv/app \"$@\"\n");
        t.Check("DKR001").Of("DKR001").ShouldHaveSingleItem().Message.ShouldContain("su-exec");

        // The script is in the repository and does not switch user: the installed tool is no evidence.
        t.Write("Dockerfile", "FROM alpine:3.20\nRUN apk add su-exec\nCOPY rootfs/ /\nENTRYPOINT [\"/usr/local/bin/start\"]\n");
        t.Write("rootfs/usr/local/bin/start", "#!/bin/sh\nexec /srv/app \"$@\"\n");
        t.Check("DKR001").Of("DKR001").ShouldHaveSingleItem().Level.ShouldBe(DiagnosticLevel.Warning);
    }
}
