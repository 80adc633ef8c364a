using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR001. Docs: rules/dockerfile/DKR001.runtime-image-runs-as-root/README.md</summary>
public sealed class RuntimeImageRunsAsRoot : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR001", "runtime-image-runs-as-root",
        "Run the runtime stage as a non-root user.", Language.Dockerfile, DiagnosticLevel.Warning, 6.3, FixClass.None, "security", "CWE-250");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    /// <summary>Whether a base image is known to run as a non-root user by default.</summary>
    public static bool IsKnownNonRootBase(string image)
    {
        var (name, tag, _) = DockerFacts.SplitImage(image.ToLowerInvariant());
        return (name.StartsWith("gcr.io/distroless/", StringComparison.Ordinal) && tag is { } t && t.Contains("nonroot", StringComparison.Ordinal))
            || name.EndsWith("nginxinc/nginx-unprivileged", StringComparison.Ordinal)
            || name.EndsWith("/nginx-unprivileged", StringComparison.Ordinal);
    }

    /// <summary>A USER value that means root: root, 0, root:group, 0:group, or empty (an unset variable).</summary>
    public static bool IsRootUser(string user)
    {
        var name = user.Split(':')[0].Trim();
        return name is "" or "root" or "0";
    }

    private static void Check(DockerfileContext ctx)
    {
        var services = ctx.Deployment.ServicesBuilding(ctx.Model).ToList();
        if (services.Count > 0 && services.All(s => s.User is { } u && !IsRootUser(u.Value)))
        {
            // Every service that runs the image overrides the user (XF007 judges the override).
            return;
        }

        foreach (var stage in ctx.RuntimeStages)
        {
            if (stage.Root.IsScratch && ctx.Deployment.ImageRunOf(stage) is { Declared: false } && !services.Any(s => s.Command.Length > 0 || s.Entrypoint.Length > 0))
            {
                // A scratch stage with nothing to run is build output (binaries to copy out), not a container.
                continue;
            }

            var drops = DropsPrivileges(ctx.Deployment, ctx.Model, stage);
            var (level, score) = drops is null ? (DiagnosticLevel.Warning, 6.3) : (DiagnosticLevel.Note, 3.5);
            var after = drops is null ? string.Empty : $" {char.ToUpperInvariant(drops[0])}{drops[1..]}, so the daemon's own processes do not keep root; still prefer a non-root USER.";
            if (stage.User is { } user)
            {
                if (IsRootUser(user.User))
                {
                    var raw = user.Instruction.Command.Args.FirstOrDefault() ?? string.Empty;
                    var what = user.User.Length == 0 ? $"USER '{raw}' expands to nothing, which means root" : $"USER '{user.User}' is root";
                    ctx.Report(DockerFacts.Locate(ctx.Model, user.Instruction, raw),
                        $"{what} in the runtime stage, so the container's main process runs as root.{after}", level, score);
                }

                continue;
            }

            var root = stage.Root;
            if (root.IsScratch || IsKnownNonRootBase(root.BaseImage))
            {
                if (root.IsScratch)
                {
                    ctx.Report(DockerFacts.Locate(ctx.Model, stage.From, stage.From.Command.Args.FirstOrDefault() ?? string.Empty),
                        $"The runtime stage is built FROM scratch with no USER, so its process runs as uid 0; add 'USER 65532:65532' (any non-zero uid).{after}", level, score);
                }

                continue;
            }

            var hint = root.BaseImage.StartsWith("gcr.io/distroless/", StringComparison.OrdinalIgnoreCase)
                ? " Use the distroless ':nonroot' tag or add 'USER 65532:65532' (and --chown the files the process writes)."
                : " Add a USER with a non-root name or a non-zero uid after the last step that needs root.";
            ctx.Report(DockerFacts.Locate(ctx.Model, stage.From, stage.From.Command.Args.FirstOrDefault() ?? string.Empty),
                $"The runtime stage has no USER and its base image '{root.BaseImage}' runs as root, so the container's process runs as root.{hint}{after}", level, score);
        }
    }

    /// <summary>
    /// Whether a runtime stage runs as root: an explicit root USER, or no USER on a base image that runs as root
    /// (scratch included: its process is uid 0).
    /// </summary>
    public static bool RunsAsRoot(DockerStage stage) =>
        stage.User is { } user ? IsRootUser(user.User) : !IsKnownNonRootBase(stage.Root.BaseImage);

    /// <summary>The package names squid is installed under (Debian/Ubuntu/Alpine/RHEL); a version pin is removed before the match.</summary>
    private static readonly HashSet<string> SquidPackages = new(StringComparer.Ordinal) { "squid", "squid3", "squid4", "squid5", "squid-openssl", "squid-gnutls" };

    /// <summary>The package names of an nginx server (Debian's flavours, nginx.org's and OpenResty's packages).</summary>
    private static readonly HashSet<string> NginxPackages = new(StringComparer.Ordinal)
    {
        "nginx", "nginx-full", "nginx-light", "nginx-extras", "nginx-core", "nginx-mainline", "nginx-plus", "openresty",
    };

    /// <summary>
    /// Evidence that the image does not keep root for its service (catalog §0.2): the torrc's or the command line's tor
    /// <c>User</c>; the official nginx image; an ENTRYPOINT/CMD, or an entrypoint script the repository has, that switches
    /// user (gosu, su-exec, s6-setuidgid, setpriv --reuid, chroot --userspec, runuser -u, su … -c); gosu or su-exec
    /// installed for an entrypoint script the repository lacks; squid (any package name or a build it runs), which
    /// switches to cache_effective_user; nginx or OpenResty, whose workers switch to their <c>user</c>.
    /// </summary>
    public static string? DropsPrivileges(Semantics.Deployment deployment, DockerfileModel model, DockerStage stage)
    {
        if (deployment.TorConfigsOf(model).Select(c => c.Last("User")).FirstOrDefault(u => u is not null && !ImageRun.IsRoot(u.Value)) is { } user)
        {
            return $"its torrc sets 'User {user.Value}'";
        }

        var run = deployment.ImageRunOf(stage);
        foreach (var tor in run?.Commands.SelectMany(ImageRun.Chain).Where(c => c.Program == "tor") ?? [])
        {
            var at = tor.Words.IndexOf("--User");
            if (at > 0 && at + 1 < tor.Words.Length && !ImageRun.IsRoot(tor.Words[at + 1]))
            {
                return $"tor runs with '--User {tor.Words[at + 1]}'";
            }
        }

        var root = stage.Root;
        if (KnownImages.Find(model.Expand(root.BaseImage, root.From) ?? root.BaseImage) is { Daemon: not null, WorkerUser: { } worker } known && IsRootUser(known.User))
        {
            return $"the official {known.Repository} image runs its workers as '{worker}'";
        }

        if (run is null)
        {
            return null;
        }

        if (run.Drop is { } drop)
        {
            return $"{drop.Where} switches to '{drop.User}' with {drop.Tool} before the service starts";
        }

        if (run.InstalledDropTool is { } tool)
        {
            return $"the image installs {tool} for its entrypoint script '{run.UnreadScripts[0]}' (not in the repository), the way images that start as root switch user";
        }

        // An installed daemon package tells what the image serves only when its command does not name the program itself.
        var installedCounts = run.RunsOpaqueLauncher;
        if (run.Running("squid", "squid3") is not null || (installedCounts && run.Installed(SquidPackages.Contains) is not null))
        {
            return "squid drops to its cache_effective_user after start-up";
        }

        if ((run.Running("nginx", "openresty") ?? run.Commands.SelectMany(ImageRun.Chain).FirstOrDefault(c => c.Program.StartsWith("openresty", StringComparison.Ordinal))) is not null
            || (installedCounts && run.Installed(NginxPackages.Contains) is not null))
        {
            return "nginx runs its worker processes as its 'user' (nobody unless set) and only the master keeps root";
        }

        return null;
    }
}
