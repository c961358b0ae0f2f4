package io.securemail.operator.mta;

import java.util.List;

/**
 * Where the rendered Postfix finds its files and where it listens: the Pod's layout in the cluster,
 * a private directory and loopback addresses in the lab. Everything else in the configuration comes
 * from the spec, so the lab runs exactly what a Pod runs.
 *
 * @param configDir the directory holding main.cf and master.cf ({@code postfix -c DIR})
 * @param queueDir the queue (a PersistentVolume in the Pod)
 * @param dataDir Postfix's data directory (owned by the postfix user)
 * @param certFile the MX certificate chain, PEM, leaf first (the mounted serving Secret's tls.crt)
 * @param keyFile its private key, PEM (tls.key)
 * @param caFile the roots outbound MTA-STS delivery trusts (RFC 8461 section 4.2: PKIX)
 * @param smtpListen master.cf service names of the inbound listeners, e.g. {@code 2525} or {@code 127.0.3.1:25}
 * @param submissionListen master.cf service names of the submission listeners
 * @param inetInterfaces main.cf inet_interfaces ({@code all} in a Pod)
 * @param tlsPolicyMap the socketmap of the DANE-first TLS policy daemon, e.g. {@code inet:127.0.0.1:8462}
 */
public record PostfixLayout(String configDir, String queueDir, String dataDir, String certFile, String keyFile,
    String caFile, List<String> smtpListen, List<String> submissionListen, String inetInterfaces,
    String tlsPolicyMap) {

  /** The container ports: unprivileged, so the Postfix container needs no NET_BIND_SERVICE. */
  public static final int SMTP_PORT = 2525;
  public static final int SUBMISSION_PORT = 5587;

  /** Where the MTA image mounts things (see operator/src/main/docker/mta/Dockerfile). */
  public static final String POD_CONFIG_DIR = "/etc/securemail/postfix";
  public static final String POD_TLS_DIR = "/etc/securemail/tls";
  public static final String POD_QUEUE_DIR = "/var/spool/postfix";
  public static final String POD_DATA_DIR = "/var/lib/postfix";

  /** A file of the configuration directory, e.g. {@link PostfixFiles#OPENSSL_CNF}, as Postfix opens it. */
  public String configFile(String name) {
    return configDir + "/" + name;
  }

  /** The layout of the MTA container. */
  public static PostfixLayout pod() {
    return new PostfixLayout(POD_CONFIG_DIR, POD_QUEUE_DIR, POD_DATA_DIR, POD_TLS_DIR + "/tls.crt",
        POD_TLS_DIR + "/tls.key", "/etc/ssl/certs/ca-certificates.crt", List.of(String.valueOf(SMTP_PORT)),
        List.of(String.valueOf(SUBMISSION_PORT)), "all", "inet:127.0.0.1:8462");
  }
}
