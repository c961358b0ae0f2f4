package io.securemail.operator.compliance.dns;

/**
 * Where the DNSSEC state of an answer comes from.
 *
 * <p>{@link #VALIDATE} validates every answer in-process from trust anchors (the root anchor unless
 * others are configured), asking the resolver for the signatures with the CD bit set (RFC 4035 section
 * 3.2.2): it trusts nothing on the path, so it is safe over any network, and needs only a resolver that
 * passes DNSSEC records through (any recursive resolver does).
 *
 * <p>{@link #RESOLVER_AD} takes the AD bit of a validating resolver (RFC 4035 section 3.2.3, RFC 6840
 * section 5.7). The bit is not signed: anyone on the path between us and the resolver can set it. Use
 * it only when that path is trusted, e.g. a resolver on loopback or a node-local resolver inside the
 * cluster; never a public resolver over the internet.
 */
public enum DnssecMode {
  VALIDATE,
  RESOLVER_AD
}
