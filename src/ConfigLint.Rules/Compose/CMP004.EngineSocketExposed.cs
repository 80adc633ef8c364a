using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP004. Docs: rules/compose/CMP004.engine-socket-exposed/README.md</summary>
public sealed class EngineSocketExposed : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP004", "engine-socket-exposed",
        "Never give a container the container engine's API.", Language.Compose, DiagnosticLevel.Error, 9.3, FixClass.None, "security", "CWE-250");

    private static readonly string[] Sockets =
    [
        "/var/run/docker.sock", "/run/docker.sock", "/var/run/docker", "/run/podman/podman.sock", "/var/run/podman/podman.sock",
        "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
    ];

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    public static bool IsEngineSocket(string? source)
    {
        if (string.IsNullOrEmpty(source))
        {
            return false;
        }

        var s = source.TrimEnd('/');
        return Sockets.Contains(s)
            || (s.StartsWith("/run/user/", StringComparison.Ordinal) && (s.EndsWith("/docker.sock", StringComparison.Ordinal) || s.EndsWith("/podman/podman.sock", StringComparison.Ordinal)));
    }

    private static void Check(ComposeServiceContext ctx)
    {
        var service = ctx.Service;
        foreach (var volume in service.Volumes.Where(v => v.IsBind && IsEngineSocket(v.Source)))
        {
            var ro = volume.ReadOnly ? " ':ro' does not help: API calls are writes over the socket." : string.Empty;
            ctx.Report(volume.Location, $"Service '{service.Name}' mounts the container engine's API socket '{volume.Source}', which gives it root on the host.{ro} Use a narrowly scoped API proxy, or remove the mount.");
        }

        if (service.UseApiSocket is { AsBool: true } api)
        {
            ctx.Report(api.Location, $"Service '{service.Name}' sets use_api_socket: true, which hands it the engine's API socket and with it root on the host; remove it.");
        }

        foreach (var env in service.Environment.Where(e => e.Name == "DOCKER_HOST" && e.Value?.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) == true))
        {
            ctx.Report(env.Location, $"Service '{service.Name}' points DOCKER_HOST at '{env.Value}', a container-engine API over TCP, which gives it control of the host's containers; remove it.");
        }
    }
}
