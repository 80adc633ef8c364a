using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>The typed links of the deployment model (issue 12): images, daemons with their files and command lines, listeners, onion forwards.</summary>
public class DeploymentModelTests
{
    [Fact]
    public void Tor_command_line_options_replace_the_torrc_lines_and_are_located_in_compose()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 127.0.0.1:9050\nSocksPort 127.0.0.1:9150\nLog notice stdout\n");
        t.Write("compose.yaml", """
            services:
              tor:
                image: alpine:3.20
                command: ["tor", "-f", "/etc/tor/torrc", "--SocksPort", "0.0.0.0:9050"]
                ports:
                  - "9050:9050"
                volumes:
                  - ./torrc:/etc/tor/torrc:ro
            """);
        var result = t.Check("TOR001");
        var tor = result.Deployment.TorConfigs.Single();
        tor.Ports("SocksPort").Select(p => p.Line.Value).ShouldBe(["0.0.0.0:9050"]);
        tor.CommandLineLines.Length.ShouldBe(1);

        var daemon = result.Deployment.DaemonOf(tor).ShouldNotBeNull();
        daemon.Service!.Name.ShouldBe("tor");
        daemon.ConfigFiles.Single().Via.ShouldBe(ConfigVia.BindMount);
        var listener = daemon.Listeners.Single();
        (listener.Option, listener.Address, listener.Port).ShouldBe(("SocksPort", "0.0.0.0", "9050"));
        listener.Exposure.ShouldBe(Exposure.AllInterfaces);

        // The finding is where the option is written: the compose command, with no torrc edit to offer there.
        var finding = result.Of("TOR001").Single();
        finding.Path.ShouldBe("compose.yaml");
        finding.Where().ShouldBe("4:62");
        finding.Message.ShouldContain("XF001");
        finding.Fix.ShouldBeNull();
    }

    [Fact]
    public void Plus_appends_and_slash_clears_as_tor_layers_the_command_line()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 9050\nControlPort 9051\n");
        t.Write("compose.yaml", """
            services:
              tor:
                image: alpine:3.20
                command: tor +SocksPort 9150 --/ControlPort
                volumes:
                  - ./torrc:/etc/tor/torrc:ro
            """);
        var tor = t.Check().Deployment.TorConfigs.Single();
        tor.Ports("SocksPort").Select(p => p.Line.Value).ShouldBe(["9050", "9150"]);
        tor.Has("ControlPort").ShouldBeFalse();
    }

    [Fact]
    public void Defaults_torrc_lies_under_the_torrc()
    {
        using var t = new TempTree();
        t.Write("conf/torrc", "SocksPort 0\n");
        t.Write("conf/torrc-defaults", "SocksPort 9050\nDataDirectory /var/lib/tor\n");
        t.Write("compose.yaml", """
            services:
              tor:
                image: alpine:3.20
                entrypoint: ["tor", "--defaults-torrc", "/etc/tor/torrc-defaults", "-f", "/etc/tor/torrc"]
                volumes:
                  - ./conf:/etc/tor:ro
            """);
        var deployment = t.Check().Deployment;
        var tor = deployment.TorConfigs.Single(c => c.Main.Path == "conf/torrc");
        tor.Last("SocksPort")!.Value.ShouldBe("0");
        tor.Last("DataDirectory")!.Value.ShouldBe("/var/lib/tor");
        deployment.DaemonOf(tor)!.ConfigFiles.Select(f => (f.File.Path, f.Via)).ShouldBe([("conf/torrc", ConfigVia.BindMount), ("conf/torrc-defaults", ConfigVia.Defaults)]);
    }

    [Fact]
    public void Dockerfile_cmd_is_the_command_line_unless_compose_overrides_it()
    {
        using var t = new TempTree();
        t.Write("tor/torrc", "SocksPort 127.0.0.1:9050\n");
        t.Write("tor/Dockerfile", """
            FROM debian:12
            COPY torrc /etc/tor/torrc
            USER debian-tor
            CMD ["tor", "-f", "/etc/tor/torrc", "--SocksPort", "0.0.0.0:9050"]
            """);
        t.Write("compose.yaml", """
            services:
              a:
                build: ./tor
              b:
                build: ./tor
                command: ["tor", "-f", "/etc/tor/torrc"]
            """);
        var deployment = t.Check().Deployment;
        var a = deployment.ComposeProjects.Single().Service("a")!;
        var b = deployment.ComposeProjects.Single().Service("b")!;
        deployment.TorConfigsOf(a).Single().Last("SocksPort")!.Value.ShouldBe("0.0.0.0:9050");
        deployment.TorConfigsOf(a).Single().Last("SocksPort")!.Tree.Path.ShouldBe("tor/Dockerfile");
        deployment.TorConfigsOf(b).Single().Last("SocksPort")!.Value.ShouldBe("127.0.0.1:9050");
        deployment.DaemonsOf(a).Single().ConfigFiles.Single().Via.ShouldBe(ConfigVia.Copy);
    }

    [Fact]
    public void Known_images_give_the_user_and_the_daemon()
    {
        KnownImages.Find("nginx:1.27-alpine")!.Daemon.ShouldBe(DaemonKind.Nginx);
        KnownImages.Find("docker.io/library/nginx")!.WorkerUser.ShouldBe("nginx");
        KnownImages.Find("nginxinc/nginx-unprivileged:stable")!.User.ShouldBe("101");
        KnownImages.Find("gcr.io/distroless/static-debian12:nonroot")!.User.ShouldBe("65532");
        KnownImages.Find("gcr.io/distroless/static-debian12:latest")!.User.ShouldBe("root");
        KnownImages.Find("nginx-proxy/nginx-proxy").ShouldBeNull();
        KnownImages.Find("${IMAGE}").ShouldBeNull();

        using var t = new TempTree();
        t.Write("compose.yaml", """
            services:
              web:
                image: nginxinc/nginx-unprivileged:1.27
                ports: ["8080:8080"]
            """);
        var deployment = t.Check().Deployment;
        var web = deployment.ComposeProjects.Single().Service("web")!;
        deployment.ImageOf(web).Known!.User.ShouldBe("101");
        var daemon = deployment.DaemonsOf(web).Single();
        daemon.Kind.ShouldBe(DaemonKind.Nginx);
        daemon.ConfigFiles.ShouldBeEmpty();
    }

    [Fact]
    public void Onion_forwards_reach_the_backend_and_the_listener_that_answers()
    {
        using var t = new TempTree();
        t.Write("tor/torrc", "HiddenServiceDir /var/lib/tor/hs\nHiddenServicePort 80 web:8080\nHiddenServicePort 22 127.0.0.1:22\n");
        t.Write("nginx/nginx.conf", "events {}\nhttp {\n  server {\n    listen 8080;\n  }\n}\n");
        t.Write("compose.yaml", """
            services:
              tor:
                image: alpine:3.20
                volumes:
                  - ./tor/torrc:/etc/tor/torrc:ro
              web:
                image: nginx:1.27
                volumes:
                  - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
            """);
        var deployment = t.Check().Deployment;
        var forwards = deployment.OnionForwards.OrderBy(f => f.Port.VirtualPort).ToList();
        forwards.Count.ShouldBe(2);
        forwards[0].Backend!.Name.ShouldBe("tor");
        forwards[0].Answering.ShouldBeNull();
        forwards[1].Backend!.Name.ShouldBe("web");
        forwards[1].Answering.ShouldNotBeNull().Option.ShouldBe("listen");
        forwards[1].Answering!.Port.ShouldBe("8080");
        forwards[1].Answering!.Location.Tree.Path.ShouldBe("nginx/nginx.conf");
    }

    [Fact]
    public void Nginx_command_line_flags_are_kept_as_notes()
    {
        var words = new[] { "nginx", "-g", "daemon off;", "-c", "/etc/nginx/custom.conf" };
        using var t = new TempTree();
        var tree = Lint.Yaml("x: 1");
        var parsed = DaemonCommandLine.Parse(DaemonKind.Nginx, [.. words.Select(w => new CommandWord(w, new SourceLocation(tree, default), false))])!;
        parsed.ConfigFile!.Value.ShouldBe("/etc/nginx/custom.conf");
        parsed.GlobalDirectives.Single().Value.ShouldBe("daemon off;");
        DaemonCommandLine.Parse(DaemonKind.Tor, [.. new[] { "torsocks", "curl" }.Select(w => new CommandWord(w, new SourceLocation(tree, default), false))]).ShouldBeNull();
        var shell = DaemonCommandLine.Parse(DaemonKind.Tor, [.. new[] { "sh", "-c", "exec tor --SocksPort 9150 --hush" }.Select(w => new CommandWord(w, new SourceLocation(tree, default), false))])!;
        shell.Options.Single().Value!.Value.ShouldBe("9150");
    }

    [Fact]
    public void A_lowercase_dockerfile_is_what_docker_builds_when_none_is_named()
    {
        using var t = new TempTree();
        t.Write("app/dockerfile", "FROM alpine:3.20\nCMD [\"sh\"]\n");
        t.Write("compose.yaml", "services:\n  app:\n    build: ./app\n");
        var deployment = t.Check().Deployment;
        deployment.ImageOf(deployment.ComposeProjects.Single().Service("app")!).Dockerfile.ShouldNotBeNull().Tree.Path.ShouldBe("app/dockerfile");
    }
}
