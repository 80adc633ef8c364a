using System.Text.Json;
using ConfigLint.Semantics.Compose;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary><c>configlint compile</c>: the deployment model as the JSON contract, one snapshot per example.</summary>
public class CompileTests
{
    [Theory]
    [InlineData("onion-site")]
    [InlineData("onion-site-hardened")]
    [InlineData("onion-site-exposed")]
    [InlineData("tor-relay")]
    [InlineData("squid-forward-proxy")]
    [InlineData("squid-forward-proxy-hardened")]
    public void Compile_json_of_each_example_matches_its_snapshot(string example)
    {
        var (code, output, err) = CliRun.In(Path.Combine(Repo.Examples, example), "compile", "--format", "json", ".");
        err.ShouldBeEmpty();
        code.ShouldBe(0);
        var root = JsonDocument.Parse(output).RootElement;
        // The squid examples have no compose file: their squid.conf and Dockerfile are standalone.
        root.GetProperty("projects").GetArrayLength().ShouldBe(example.StartsWith("squid", StringComparison.Ordinal) ? 0 : 1);
        if (example.StartsWith("squid", StringComparison.Ordinal))
        {
            root.GetProperty("standalone").EnumerateArray().ShouldContain(f => f.GetProperty("path").GetString() == "squid.conf" && f.GetProperty("kind").GetString() == "squid");
        }

        output.ShouldMatchApproved(c => c.SubFolder("../Snapshots").WithDiscriminator("compile-" + example).NoDiff());
    }

    [Fact]
    public void The_onion_site_links_the_hidden_service_to_its_backend_and_marks_the_internal_network()
    {
        var (_, output, _) = CliRun.In(Path.Combine(Repo.Examples, "onion-site"), "compile", ".");
        var project = JsonDocument.Parse(output).RootElement.GetProperty("projects")[0];
        var onion = project.GetProperty("onionServices")[0];
        onion.GetProperty("torConfig").GetString().ShouldBe("tor/settings/torrc");
        var port = onion.GetProperty("ports")[0];
        port.GetProperty("virtualPort").GetInt32().ShouldBe(80);
        port.GetProperty("backend").GetProperty("service").GetString().ShouldBe("nginx");
        project.GetProperty("networks").EnumerateArray().ShouldContain(n => n.GetProperty("name").GetString() == "tor_network" && n.GetProperty("internal").GetBoolean());
        var tor = project.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "tor");
        tor.GetProperty("daemons")[0].GetProperty("configFiles")[0].GetProperty("via").GetString()!.ShouldStartWith("bind mount to ");
    }

    [Theory]
    [InlineData("ports: [\"9050:9050\"]", "all-interfaces")]
    [InlineData("ports: [\"127.0.0.1:9050:9050\"]", "loopback")]
    [InlineData("ports: [\"192.0.2.7:9050:9050\"]", "host-address")]
    [InlineData("ports: [\"9050:9050\"]\n    network_mode: host", "host-network")]
    [InlineData("ports: [\"9050:9050\"]\n    network_mode: \"service:db\"", "not-published")]
    [InlineData("ports: [\"9050:9050\"]\n    networks: [inner]\nnetworks:\n  inner: {internal: true}", "suppressed-internal")]
    [InlineData("ports: [\"9050:9050\"]\n    networks: [lo]\nnetworks:\n  lo:\n    driver_opts: {com.docker.network.bridge.host_binding_ipv4: \"127.0.0.1\"}", "loopback")]
    public void Each_published_port_has_one_exposure(string service, string exposure)
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: alpine:3.20\n    " + service + "\n");
        var (_, output, err) = CliRun.In(t.Root, "compile", ".");
        err.ShouldBeEmpty();
        var port = JsonDocument.Parse(output).RootElement.GetProperty("projects")[0].GetProperty("services")[0].GetProperty("ports")[0];
        port.GetProperty("exposure").GetString().ShouldBe(exposure);
    }

    [Fact]
    public void Exposure_names_are_the_contract() =>
        Enum.GetValues<Exposure>().Select(e => e.ToText()).ShouldBe(["not-published", "loopback", "host-address", "all-interfaces", "host-network", "suppressed-internal"]);

    [Fact]
    public void Text_format_reads_as_a_tree()
    {
        var (code, output, _) = CliRun.In(Path.Combine(Repo.Examples, "tor-relay"), "compile", "--format", "text", ".");
        code.ShouldBe(0);
        output.ShouldContain("  service torrelay: build Dockerfile");
        output.ShouldContain("      ORPort 0.0.0.0:9001 <- 0.0.0.0:9001 (all-interfaces)");
        output.ShouldContain("standalone tor torrc.bridge");
    }
}
