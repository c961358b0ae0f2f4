package io.securemail.lab.mtasts;

import io.securemail.lab.support.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A lab fault, kept apart from the operator's policy server: nginx on one of the lab's policy
 * server addresses serving MTA-STS policies the wrong way, so that the compliance checks have
 * something real to catch. Each policy host gets its own {@code server} block, chosen by the TLS
 * server name, with a valid certificate: the only thing wrong is the listed {@link Fault}. Made by
 * {@link PolicyServers#serveFaulty}; closing it stops nginx.
 */
public final class FaultyPolicyServer implements AutoCloseable {

  /** What the server does wrong with a policy. */
  public enum Fault {
    /**
     * {@code /.well-known/mta-sts.txt} answers 301 with a Location on the same host that serves the
     * policy correctly: senders must not follow it (RFC 8461 section 3.3).
     */
    REDIRECT,
    /** The policy is served as {@code text/html} instead of {@code text/plain} (RFC 8461 section 3.2). */
    TEXT_HTML
  }

  /** One policy host: its name ({@code mta-sts.<domain>}), fault, policy text and certificate chain and key (PEM). */
  public record Policy(String host, Fault fault, String policy, String certificatePem, String privateKeyPem) {}

  /** Where the redirect points: a path on the same host that serves the policy as text/plain. */
  public static final String REDIRECT_TARGET = "/policy/mta-sts.txt";

  private final PolicyServers servers;
  private final String address;
  private final Path dir;
  private ManagedProcess nginx;

  FaultyPolicyServer(PolicyServers servers, String address, Path dir) {
    this.servers = servers;
    this.address = address;
    this.dir = dir;
  }

  /** Writes the policies, certificates and configuration; the caller starts nginx. */
  String prepare(List<Policy> policies) throws IOException {
    Files.createDirectories(dir.resolve("tmp"));
    Files.createDirectories(dir.resolve("files"));
    StringBuilder conf = new StringBuilder("""
        # Written by the lab (io.securemail.lab.mtasts.FaultyPolicyServer): MTA-STS policies served WRONGLY on
        # purpose, for the compliance checks to catch. Not the operator's policy server configuration.
        user root;
        daemon off;
        worker_processes 1;
        pid %1$s/tmp/nginx.pid;
        error_log stderr warn;
        events {
          worker_connections 64;
        }
        http {
          access_log off;
          client_body_temp_path %1$s/tmp/client_body;
          proxy_temp_path %1$s/tmp/proxy;
          fastcgi_temp_path %1$s/tmp/fastcgi;
          uwsgi_temp_path %1$s/tmp/uwsgi;
          scgi_temp_path %1$s/tmp/scgi;
          types { }
          default_type text/plain;
          ssl_protocols TLSv1.2 TLSv1.3;
          server {
            listen %2$s:%3$d;
            location = /healthz {
              return 200 "ok\\n";
            }
          }
        """.formatted(dir, address, PolicyServers.HTTP_PORT));
    for (Policy policy : policies) {
      Path files = dir.resolve("files");
      Path policyFile = files.resolve(policy.host() + ".txt");
      Files.writeString(policyFile, policy.policy());
      Files.writeString(files.resolve(policy.host() + ".crt"), policy.certificatePem());
      Path key = files.resolve(policy.host() + ".key");
      Files.writeString(key, policy.privateKeyPem());
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      String wellKnown = switch (policy.fault()) {
        case REDIRECT -> "return 301 https://$host" + REDIRECT_TARGET + ";";
        case TEXT_HTML -> "default_type text/html;\n      alias " + policyFile + ";";
      };
      conf.append("""
            server {
              listen %1$s:%2$d ssl;
              server_name %3$s;
              ssl_certificate %4$s.crt;
              ssl_certificate_key %4$s.key;
              location = /.well-known/mta-sts.txt {
                %5$s
              }
              location = %6$s {
                alias %7$s;
              }
              location / {
                return 404;
              }
            }
          """.formatted(address, PolicyServers.HTTPS_PORT, policy.host(), files.resolve(policy.host()), wellKnown,
          REDIRECT_TARGET, policyFile));
    }
    return conf.append("}\n").toString();
  }

  void started(ManagedProcess process) {
    this.nginx = process;
  }

  public String address() {
    return address;
  }

  /** This server's directory: nginx.conf, nginx.log, files/, tmp/. */
  public Path dir() {
    return dir;
  }

  public Path configFile() {
    return dir.resolve("nginx.conf");
  }

  public Path log() {
    return dir.resolve("nginx.log");
  }

  @Override
  public void close() {
    if (nginx != null) {
      nginx.close();
    }
    servers.unmounted(this);
  }

  @Override
  public String toString() {
    return "faulty policy server " + address;
  }
}
