using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Dockerfile;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

public class DockerfileModelTests
{
    private static DockerfileModel Model(string text) =>
        DockerfileModel.Build(DockerfileParser.Parse("Dockerfile", SourceText.From(text)));

    [Fact]
    public void Global_args_reach_FROM_and_only_redeclared_ones_reach_the_stage()
    {
        var model = Model("ARG IMG=alpine\nARG TAG=3.20\nFROM ${IMG}:${TAG} AS Base\nARG TAG\nENV V=$TAG W=$IMG\nFROM base\nUSER app\n");
        model.Stages.Select(s => s.BaseImage).ShouldBe(["alpine:3.20", "base"]);
        model.Stages[0].Name.ShouldBe("base");
        model.Stages[1].BaseStage.ShouldBe(model.Stages[0]);
        model.Stages[0].Env["V"].Value.ShouldBe("3.20");
        model.Stages[0].Env["W"].Value.ShouldBe(string.Empty);
        model.Stages[1].Env["V"].Value.ShouldBe("3.20");
        model.Stage("BASE").ShouldBe(model.Stages[0]);
    }

    [Fact]
    public void User_and_healthcheck_are_inherited_through_stages()
    {
        var model = Model("FROM alpine:3.20 AS a\nUSER 1000\nHEALTHCHECK NONE\nFROM a AS b\nFROM alpine:3.20\n");
        model.Stages[1].User!.Value.User.ShouldBe("1000");
        model.Stages[1].Healthcheck.ShouldNotBeNull();
        model.Stages[2].User.ShouldBeNull();
        model.RuntimeStage().ShouldBe(model.Stages[2]);
        model.RuntimeStage("b").ShouldBe(model.Stages[1]);
    }

    [Fact]
    public void Compose_target_user_healthcheck_and_torrc_user_decide_the_runtime_findings()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM alpine:3.20 AS build\nRUN echo build\n\nFROM alpine:3.20 AS runtime\nUSER 10001\nHEALTHCHECK CMD true\n\nFROM alpine:3.20 AS debug\n");
        t.Write("compose.yaml", "services:\n  app:\n    build:\n      context: .\n      target: runtime\n");
        var r = t.Check("DKR001", "DKR006");
        r.Findings.ShouldBeEmpty();

        t.Write("compose.yaml", "services:\n  app:\n    build: .\n    user: \"10001\"\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n");
        t.Check("DKR001", "DKR006").Findings.ShouldBeEmpty();

        t.Write("compose.yaml", "services:\n  tor:\n    build: .\n    volumes: [\"./torrc:/etc/tor/torrc:ro\"]\n");
        t.Write("torrc", "SocksPort 0\nUser debian-tor\n");
        var f = t.Check("DKR001").Of("DKR001").ShouldHaveSingleItem();
        f.Level.ShouldBe(DiagnosticLevel.Note);
        f.Message.ShouldContain("User debian-tor");
    }
}
