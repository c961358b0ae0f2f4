package io.securemail.operator.mtasts;

import java.util.Objects;

/**
 * The nginx configuration of the MTA-STS policy server. It never changes with the domains it
 * serves: a policy is the file {@code <site>/mta-sts.<domain>.txt} and its certificate the files
 * {@code <site>/mta-sts.<domain>.crt|key}, all chosen by the TLS server name (SNI). nginx opens a
 * policy file on every request and, because the certificate path contains a variable, loads the
 * certificate on every handshake: a new domain, a changed policy or a renewed certificate is served
 * as soon as the site volume ({@link PolicySite}) shows it, without a reload or a restart.
 */
public final class PolicyServerConfig {

  /** The container's HTTPS port; the Service maps 443 to it (nginx runs as a non-root user and cannot bind 443). */
  public static final int HTTPS_PORT = 8443;
  /** Plain HTTP for an Ingress controller that terminates TLS itself; never exposed by the Service. */
  public static final int HTTP_PORT = 8080;
  /** Answers 200 on the HTTP port: the Pod's readiness and liveness probes. */
  public static final String HEALTH_PATH = "/healthz";

  /**
   * Where things are. {@code user} is null in the container (the image runs unprivileged already);
   * a lab running nginx as root names the user its workers keep.
   */
  public record Layout(String httpsListen, String httpListen, String siteDir, String tmpDir, String user) {

    /** The layout in the policy server's Pod. */
    public static Layout container() {
      return new Layout(String.valueOf(HTTPS_PORT), String.valueOf(HTTP_PORT), PolicyServer.SITE_MOUNT, "/tmp",
          null);
    }

    public Layout {
      Objects.requireNonNull(httpsListen);
      Objects.requireNonNull(siteDir);
      Objects.requireNonNull(tmpDir);
    }
  }

  /**
   * TLS 1.2 and 1.3 only, and for TLS 1.2 only ECDHE with AES-GCM: the forward-secret AEAD suites
   * that BSI TR-02102-2 recommends (section 3.3.1), for ECDSA and RSA certificates alike.
   */
  static final String TLS12_CIPHERS = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"
      + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";

  /**
   * Only {@code mta-sts.} names made of DNS label characters select a file: no '/' can reach a path,
   * and every other name is answered 404 (HTTP) or refused in the handshake (no certificate file).
   */
  static final String HOST_PATTERN = "~^mta-sts\\.[a-z0-9]([a-z0-9.-]*[a-z0-9])?$";

  /** Where senders POST TLS reports on every policy host (RFC 8460 section 3, the https: rua). */
  public static final String REPORT_PATH = io.securemail.operator.api.TlsRptReceiveSpec.HTTPS_PATH;

  /**
   * The operator's TLS report receiver the policy hosts pass {@value #REPORT_PATH} to.
   *
   * @param upstream {@code host:port} of the operator's report Service
   * @param maxBodyBytes the largest body passed on, the operator's own limit: a larger one is refused
   *     by nginx with 413 before it reaches the operator
   */
  public record ReportProxy(String upstream, long maxBodyBytes) {
    public ReportProxy {
      if (!upstream.matches("[A-Za-z0-9.-]+:\\d{1,5}") && !upstream.matches("\\[[0-9a-fA-F:]+\\]:\\d{1,5}")) {
        throw new IllegalArgumentException("the TLS report receiver '" + upstream + "' is not HOST:PORT");
      }
      if (maxBodyBytes <= 0) {
        throw new IllegalArgumentException("the TLS report body limit must be positive");
      }
    }
  }

  private PolicyServerConfig() {}

  public static String nginxConf(Layout layout) {
    return nginxConf(layout, null);
  }

  /** @param reports where TLS reports go; null: the policy hosts answer 404 to {@value #REPORT_PATH} */
  public static String nginxConf(Layout layout, ReportProxy reports) {
    StringBuilder conf = new StringBuilder();
    conf.append("# Rendered by securemail-operator. Serves the MTA-STS policy of every domain that has\n")
        .append("# one (RFC 8461 section 3.3), chosen by the TLS server name; anything else gets 404.\n");
    if (layout.user() != null) {
      conf.append("user ").append(layout.user()).append(";\n");
    }
    conf.append("daemon off;\n")
        .append("worker_processes 1;\n")
        .append("pid ").append(layout.tmpDir()).append("/nginx.pid;\n")
        .append("error_log stderr warn;\n\n")
        .append("events {\n  worker_connections 512;\n}\n\n")
        .append("http {\n")
        .append("  server_tokens off;\n")
        .append("  access_log off;\n")
        .append("  client_max_body_size 1k;\n")
        .append("  keepalive_timeout 10s;\n")
        // A sender sends one short GET: a client that trickles its request (slowloris) holds a
        // connection for 5 s at most, not nginx's default 60 s, so 512 connections go round.
        .append("  client_header_timeout 5s;\n")
        .append("  client_body_timeout 5s;\n")
        .append("  send_timeout 5s;\n");
    // A read-only root filesystem: every path nginx writes lies under the temporary directory.
    for (String temp : new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      conf.append("  ").append(temp).append("_temp_path ").append(layout.tmpDir()).append('/').append(temp)
          .append(";\n");
    }
    // RFC 8461 section 3.3: the policy is served as text/plain, whatever the file name says.
    conf.append("  types { }\n")
        .append("  default_type text/plain;\n\n")
        .append("  map $ssl_server_name $sts_host {\n")
        .append("    \"").append(HOST_PATTERN).append("\" $ssl_server_name;\n")
        .append("    default invalid;\n  }\n")
        .append("  map $host $sts_http_host {\n")
        .append("    \"").append(HOST_PATTERN).append("\" $host;\n")
        .append("    default invalid;\n  }\n\n")
        .append("  server {\n")
        .append("    listen ").append(layout.httpsListen()).append(" ssl;\n")
        .append("    ssl_protocols TLSv1.2 TLSv1.3;\n")
        .append("    ssl_ciphers ").append(TLS12_CIPHERS).append(";\n")
        .append("    ssl_prefer_server_ciphers on;\n")
        .append("    ssl_session_tickets off;\n")
        .append("    ssl_certificate ").append(layout.siteDir()).append("/$sts_host.crt;\n")
        .append("    ssl_certificate_key ").append(layout.siteDir()).append("/$sts_host.key;\n")
        .append("    location = /.well-known/mta-sts.txt {\n")
        // The Host header must name the certificate's host: one connection serves one policy.
        .append("      if ($host != $sts_host) {\n        return 404;\n      }\n")
        .append("      alias ").append(layout.siteDir()).append("/$sts_host.txt;\n")
        .append("    }\n");
    reportLocation(conf, reports, "$sts_host");
    conf.append("    location / {\n      return 404;\n    }\n")
        .append("  }\n");
    if (layout.httpListen() != null) {
      conf.append("\n  server {\n")
          .append("    listen ").append(layout.httpListen()).append(";\n")
          .append("    location = /.well-known/mta-sts.txt {\n")
          .append("      alias ").append(layout.siteDir()).append("/$sts_http_host.txt;\n")
          .append("    }\n")
          .append("    location = ").append(HEALTH_PATH).append(" {\n      return 200 \"ok\\n\";\n    }\n");
      reportLocation(conf, reports, "$sts_http_host");
      conf.append("    location / {\n      return 404;\n    }\n")
          .append("  }\n");
    }
    return conf.append("}\n").toString();
  }

  /**
   * {@value #REPORT_PATH} on a policy host, passed to the operator: POST only, the body no larger
   * than the operator accepts and read within 10 s (a report is a few kilobytes), the Host kept so
   * the operator knows which host a sender addressed. Any other host name is answered 404.
   */
  private static void reportLocation(StringBuilder conf, ReportProxy reports, String validHost) {
    if (reports == null) {
      return;
    }
    conf.append("    location = ").append(REPORT_PATH).append(" {\n")
        .append("      if ($host != ").append(validHost).append(") {\n        return 404;\n      }\n")
        .append("      limit_except POST {\n        deny all;\n      }\n")
        .append("      client_max_body_size ").append(reports.maxBodyBytes()).append(";\n")
        .append("      client_body_timeout 10s;\n")
        .append("      proxy_pass http://").append(reports.upstream()).append(REPORT_PATH).append(";\n")
        .append("      proxy_http_version 1.1;\n")
        .append("      proxy_set_header Host $host;\n")
        .append("      proxy_set_header X-Forwarded-For $remote_addr;\n")
        .append("      proxy_connect_timeout 5s;\n")
        .append("      proxy_send_timeout 10s;\n")
        .append("      proxy_read_timeout 30s;\n")
        .append("    }\n");
  }

  /** The policy file's name in the site (a key of its Secret, a file of its directory) for a domain. */
  public static String policyFile(String domain) {
    return "mta-sts." + domain + ".txt";
  }

  public static String certificateFile(String domain) {
    return "mta-sts." + domain + ".crt";
  }

  public static String keyFile(String domain) {
    return "mta-sts." + domain + ".key";
  }
}
