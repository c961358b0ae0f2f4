package io.securemail.operator.kube;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * An HTTP server on loopback that answers the Fabric8 client as a test says, and a client pointed
 * at it: for tests that assert which requests the operator makes (how many reads, which patch),
 * where the lab's real API server would hide them. The client does not retry, so every request the
 * code makes is one the server sees.
 */
public final class SmallApiServer implements AutoCloseable {

  /** One request as the server saw it; {@code query} is decoded, empty when there is none. */
  public record Request(String method, String path, String query, String contentType, String body) {}

  /** What the server answers: a status code and a JSON body (null: a Status object of that code). */
  public record Answer(int code, String json) {

    public static Answer ok(String json) {
      return new Answer(200, json);
    }
  }

  private final HttpServer server;
  private final KubernetesClient client;

  private SmallApiServer(HttpServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts the server; {@code namespace} is the client's default namespace. */
  public static SmallApiServer start(String namespace, Function<Request, Answer> handler) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      String query = exchange.getRequestURI().getRawQuery();
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          query == null ? "" : URLDecoder.decode(query, StandardCharsets.UTF_8),
          exchange.getRequestHeaders().getFirst("Content-Type"),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      Answer answer = handler.apply(request);
      byte[] bytes = (answer.json() != null ? answer.json() : "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
          + "\"status\":\"Failure\",\"code\":" + answer.code() + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.code(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort()).withNamespace(namespace)
        .withRequestRetryBackoffLimit(0).build()).build();
    return new SmallApiServer(server, client);
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.stop(0);
  }
}
