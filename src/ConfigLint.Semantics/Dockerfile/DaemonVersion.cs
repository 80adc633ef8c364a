using System.Text.RegularExpressions;

namespace ConfigLint.Semantics.Dockerfile;

/// <summary>
/// Evidence of the squid or nginx version an image runs: a pinned package (<c>squid=5.7-2</c>, <c>nginx=1.24.0-r7</c>),
/// an official image tag (<c>nginx:1.25-alpine</c>, <c>ubuntu/squid:5.2-22.04_beta</c>), or the distribution release
/// of the base image (Debian and Ubuntu ship one version per release).
/// </summary>
public static partial class DaemonVersion
{
    /// <summary>The version a distribution release ships (packages.debian.org, packages.ubuntu.com).</summary>
    private static readonly Dictionary<string, Dictionary<string, Version>> DistributionPackages = new(StringComparer.Ordinal)
    {
        ["squid"] = new(StringComparer.Ordinal)
        {
            ["debian:buster"] = new(4, 6), ["debian:10"] = new(4, 6),
            ["debian:bullseye"] = new(4, 13), ["debian:11"] = new(4, 13),
            ["debian:bookworm"] = new(5, 7), ["debian:12"] = new(5, 7),
            ["debian:trixie"] = new(6, 13), ["debian:13"] = new(6, 13),
            ["ubuntu:focal"] = new(4, 10), ["ubuntu:20.04"] = new(4, 10),
            ["ubuntu:jammy"] = new(5, 2), ["ubuntu:22.04"] = new(5, 2),
            ["ubuntu:noble"] = new(6, 6), ["ubuntu:24.04"] = new(6, 6),
        },
        ["nginx"] = new(StringComparer.Ordinal)
        {
            ["debian:buster"] = new(1, 14, 2), ["debian:10"] = new(1, 14, 2),
            ["debian:bullseye"] = new(1, 18, 0), ["debian:11"] = new(1, 18, 0),
            ["debian:bookworm"] = new(1, 22, 1), ["debian:12"] = new(1, 22, 1),
            ["debian:trixie"] = new(1, 26, 3), ["debian:13"] = new(1, 26, 3),
            ["ubuntu:focal"] = new(1, 18, 0), ["ubuntu:20.04"] = new(1, 18, 0),
            ["ubuntu:jammy"] = new(1, 18, 0), ["ubuntu:22.04"] = new(1, 18, 0),
            ["ubuntu:noble"] = new(1, 24, 0), ["ubuntu:24.04"] = new(1, 24, 0),
        },
    };

    /// <summary>The daemon's version in the runtime stages of an image, if the Dockerfile shows it.</summary>
    public static Version? Find(DockerfileModel model, IEnumerable<DockerStage> runtimeStages, string daemon)
    {
        // The runtime stages, their bases, and the stages they COPY --from (a distroless image gets its daemon that way).
        var stages = new List<DockerStage>();
        var queue = new Queue<DockerStage>(runtimeStages);
        while (queue.Count > 0 && stages.Count < 64)
        {
            var stage = queue.Dequeue();
            if (stages.Contains(stage))
            {
                continue;
            }

            stages.Add(stage);
            foreach (var from in stage.Instructions.SelectMany(i => i.Command.Flags.Where(f => f.Name == "from")))
            {
                if (model.Stage(from.Value ?? string.Empty) is { } source)
                {
                    queue.Enqueue(source);
                }
            }
        }

        foreach (var stage in stages)
        {
            for (var s = stage; s is not null; s = s.BaseStage)
            {
                foreach (var run in s.Instructions.Where(i => i.Command.Keyword == "run"))
                {
                    var text = string.Join(' ', run.Command.Args.Concat(run.Heredocs.Select(h => h.Content)));
                    foreach (Match m in PinnedPackage().Matches(text))
                    {
                        if (m.Groups[1].Value == daemon && Parse(m.Groups[2].Value) is { } pinned)
                        {
                            return pinned;
                        }
                    }
                }

                if (s.BaseStage is null && FromImage(model.Expand(s.BaseImage, s.From) ?? s.BaseImage, daemon) is { } v)
                {
                    return v;
                }
            }
        }

        return null;
    }

    /// <summary>The version an image reference implies: the daemon's own image tag, or the distribution release.</summary>
    public static Version? FromImage(string image, string daemon)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var reference = (at >= 0 ? image[..at] : image).ToLowerInvariant();
        var colon = reference.LastIndexOf(':');
        if (colon < 0 || reference.IndexOf('/', colon) >= 0)
        {
            return null;
        }

        var repository = reference[..colon];
        var tag = reference[(colon + 1)..];
        var name = repository[(repository.LastIndexOf('/') + 1)..];
        if (name == daemon || name == daemon + "-unprivileged" || (daemon == "nginx" && name == "openresty"))
        {
            return name == "openresty" ? null : Parse(tag);
        }

        if (repository is "debian" or "library/debian" or "ubuntu" or "library/ubuntu")
        {
            var release = tag.Split('-')[0];
            var key = repository.Replace("library/", string.Empty, StringComparison.Ordinal) + ":" + (release.Contains('.') && repository.EndsWith("debian", StringComparison.Ordinal) ? release.Split('.')[0] : release);
            return DistributionPackages[daemon].GetValueOrDefault(key);
        }

        return null;
    }

    /// <summary>Parses the leading <c>major.minor[.patch]</c> of a version or tag.</summary>
    public static Version? Parse(string? text)
    {
        if (text is null || VersionText().Match(text) is not { Success: true } m)
        {
            return null;
        }

        return Components(m.Groups[1].Value) is not { } parts ? null
            : parts.Length == 2 ? new Version(parts[0], parts[1]) : new Version(parts[0], parts[1], parts[2]);
    }

    /// <summary>The numbers of a dotted version; null when one is past int.MaxValue (a typo or a hostile file).</summary>
    internal static int[]? Components(string dotted)
    {
        var parts = dotted.Split('.').Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
        return parts.Any(p => p < 0) ? null : parts;
    }

    [GeneratedRegex(@"(?:^|[\s'""])(squid|nginx)[=-](\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex PinnedPackage();

    [GeneratedRegex(@"^v?(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex VersionText();
}
