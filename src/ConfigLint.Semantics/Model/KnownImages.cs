namespace ConfigLint.Semantics;

/// <summary>
/// What a well-known image runs and as whom, when a service pulls it by name. <paramref name="User"/> is the user of the
/// container's main process; <paramref name="WorkerUser"/> the user the daemon's workers switch to (nginx's master stays root).
/// </summary>
public sealed record KnownImage(string Repository, DaemonKind? Daemon, string User, string? WorkerUser, string Source);

/// <summary>
/// A small table of images whose user and daemon are facts of their published Dockerfiles (sources in each row). Matching
/// ignores the registry prefix <c>docker.io/</c>, <c>library/</c> and the tag, except where the tag decides the user.
/// </summary>
public static class KnownImages
{
    private static readonly KnownImage[] Table =
    [
        new("nginx", DaemonKind.Nginx, "root", "nginx", "docker-library/nginx Dockerfile: no USER; nginx.conf 'user nginx;'"),
        new("nginxinc/nginx-unprivileged", DaemonKind.Nginx, "101", "101", "nginxinc/docker-nginx-unprivileged Dockerfile: USER $UID (101)"),
        new("bitnami/nginx", DaemonKind.Nginx, "1001", "1001", "bitnami/containers nginx Dockerfile: USER 1001"),
        new("openresty/openresty", DaemonKind.Nginx, "root", "nobody", "openresty/docker-openresty Dockerfiles: no USER; nginx.conf '#user nobody;' (nginx's default worker user)"),
    ];

    /// <summary>The row for an image reference, or null. Distroless images run as 65532 with a <c>nonroot</c> tag, else root.</summary>
    public static KnownImage? Find(string? image)
    {
        if (string.IsNullOrWhiteSpace(image) || image.Contains('$', StringComparison.Ordinal))
        {
            return null;
        }

        var reference = image.Trim().ToLowerInvariant();
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var withoutDigest = at >= 0 ? reference[..at] : reference;
        var colon = withoutDigest.LastIndexOf(':');
        var hasTag = colon > withoutDigest.LastIndexOf('/');
        var repository = hasTag ? withoutDigest[..colon] : withoutDigest;
        var tag = hasTag ? withoutDigest[(colon + 1)..] : "latest";
        foreach (var prefix in new[] { "docker.io/", "index.docker.io/", "registry-1.docker.io/" })
        {
            if (repository.StartsWith(prefix, StringComparison.Ordinal))
            {
                repository = repository[prefix.Length..];
            }
        }

        if (repository.StartsWith("library/", StringComparison.Ordinal))
        {
            repository = repository["library/".Length..];
        }

        if (repository.StartsWith("gcr.io/distroless/", StringComparison.Ordinal))
        {
            return tag.Contains("nonroot", StringComparison.Ordinal)
                ? new KnownImage(repository, null, "65532", null, "GoogleContainerTools/distroless: ':nonroot' tags set USER 65532")
                : new KnownImage(repository, null, "root", null, "GoogleContainerTools/distroless: tags other than ':nonroot' run as root");
        }

        // nginx's own variants (nginx:alpine, nginx:1.27-perl) are the same image family.
        return Table.FirstOrDefault(row => row.Repository == repository)
            ?? (repository.EndsWith("/nginx-unprivileged", StringComparison.Ordinal) ? Table[1] : null);
    }
}
