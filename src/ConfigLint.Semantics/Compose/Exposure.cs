using ConfigLint.Syntax;

namespace ConfigLint.Semantics.Compose;

/// <summary>Who can reach a container port from outside the container, as compose and Docker decide it.</summary>
public enum Exposure
{
    /// <summary>Not published: only other containers on the service's networks reach it.</summary>
    NotPublished,

    /// <summary>Published on the host's loopback only (an explicit 127.0.0.1/::1, or the network's loopback default).</summary>
    Loopback,

    /// <summary>Published on one specific, non-loopback host address.</summary>
    HostAddress,

    /// <summary>Published on every host interface (0.0.0.0, ::, or no address given) — and past host firewalls such as UFW.</summary>
    AllInterfaces,

    /// <summary><c>network_mode: host</c>: the container listens on the host's own interfaces; port mappings are ignored.</summary>
    HostNetwork,

    /// <summary>Published, but every network of the service is an internal bridge, so Docker maps nothing.</summary>
    SuppressedInternal,
}

/// <summary>The one place a published port's exposure is computed; every rule and <c>configlint compile</c> ask here.</summary>
public static class PortExposure
{
    public static Exposure Of(ComposeService service, ComposePort port)
    {
        if (service.IsHostNetwork)
        {
            return Exposure.HostNetwork;
        }

        if (service.SharesNetworkWith is not null || service.NetworkMode?.Value == "none")
        {
            // Docker refuses port publishing with a shared or no network stack; the other container's ports decide.
            return Exposure.NotPublished;
        }

        var networks = service.EffectiveNetworks.ToList();
        if (networks.Count > 0 && networks.All(n => n.Internal) && networks.All(n => n.Driver is null or "bridge"))
        {
            return Exposure.SuppressedInternal;
        }

        if (!port.BindsAllInterfaces)
        {
            return port.BindsLoopback ? Exposure.Loopback : Exposure.HostAddress;
        }

        var loopbackDefault = networks.Count > 0 && networks.All(n => n.HostBindingIpv4 is { } ip && NetAddress.IsLoopback(ip));
        return string.IsNullOrEmpty(port.HostIp) && loopbackDefault ? Exposure.Loopback : Exposure.AllInterfaces;
    }

    /// <summary>The exposure of a container port no mapping publishes: the host's own when the service uses the host network.</summary>
    public static Exposure Unpublished(ComposeService service) => service.IsHostNetwork ? Exposure.HostNetwork : Exposure.NotPublished;

    /// <summary>How far an exposure reaches, for picking the widest: nothing, the host, one address, everyone.</summary>
    public static int Reach(Exposure exposure) => exposure switch
    {
        Exposure.NotPublished or Exposure.SuppressedInternal => 0,
        Exposure.Loopback => 1,
        Exposure.HostAddress => 2,
        _ => 3,
    };

    public static string ToText(this Exposure exposure) => exposure switch
    {
        Exposure.NotPublished => "not-published",
        Exposure.Loopback => "loopback",
        Exposure.HostAddress => "host-address",
        Exposure.AllInterfaces => "all-interfaces",
        Exposure.HostNetwork => "host-network",
        _ => "suppressed-internal",
    };
}
