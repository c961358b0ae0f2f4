package io.securemail.operator.mta;

/**
 * unbound.conf for the MTA Pod's own validating resolver. DANE (RFC 7672 section 2.1) needs
 * DNSSEC-validated answers and Postfix trusts the AD bit of the resolver in resolv.conf; the
 * cluster's DNS (CoreDNS, kube-dns) does not validate. So the Pod resolves through Unbound on
 * 127.0.0.1, which validates from the root's trust anchor and forwards only the cluster's own
 * domain, unsigned, to the cluster DNS (so the mail store's Service name still resolves).
 */
public final class PodResolverConfig {

  private PodResolverConfig() {}

  /**
   * @param clusterDomain the cluster's DNS domain, e.g. cluster.local
   * @param clusterDnsAddress the cluster DNS Service address, e.g. 10.96.0.10
   */
  public static String render(String clusterDomain, String clusterDnsAddress) {
    return """
        # Rendered by securemail-operator: the MTA Pod's DNSSEC-validating resolver.
        server:
          interface: 127.0.0.1
          port: 53
          # Runs as the container's non-root user (port 53 via the Pod's
          # net.ipv4.ip_unprivileged_port_start sysctl), no chroot, logs to stderr.
          username: ""
          chroot: ""
          directory: "/tmp"
          pidfile: ""
          use-syslog: no
          do-daemonize: no
          # The root zone's key as shipped by Debian's dns-root-data (updated with the image).
          trust-anchor-file: "/usr/share/dns/root.key"
          harden-dnssec-stripped: yes
          # The cluster's own names are unsigned: answered by the cluster DNS, never marked secure.
          domain-insecure: "%1$s."
          do-not-query-localhost: no
        forward-zone:
          name: "%1$s."
          forward-addr: %2$s
        """.formatted(clusterDomain, clusterDnsAddress);
  }
}
