package io.securemail.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.securemail.operator.api.SecureMailDomain;
import io.securemail.operator.api.SecureMailDomainSpec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a reconcile asks the API server for its key Secrets, against a small API server that keeps
 * Secrets by name: each is read once, what the reconcile wrote is read back without asking, and a
 * refused write or a deletion makes the next read ask again.
 */
class SecretReadsTest {

  private static final String NS = "mail";
  private static final String PATH = "/api/v1/namespaces/" + NS + "/secrets";

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, String> stored = new ConcurrentHashMap<>();
  /** Names whose update the server refuses with 409 Conflict. */
  private final Map<String, Boolean> conflicting = new ConcurrentHashMap<>();
  private HttpServer api;
  private KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/", exchange -> {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(method + " " + path);
      String name = path.equals(PATH) ? body.replaceFirst("(?s).*\"name\"\\s*:\\s*\"([^\"]+)\".*", "$1")
          : path.substring(PATH.length() + 1);
      int code;
      String answer;
      switch (method) {
        case "GET" -> {
          answer = stored.get(name);
          code = answer == null ? 404 : 200;
        }
        case "POST", "PUT" -> {
          if (conflicting.containsKey(name)) {
            code = 409;
            answer = null;
          } else {
            answer = body.replaceFirst("\"metadata\"\\s*:\\s*\\{", "\"metadata\":{\"resourceVersion\":\"" + calls.size() + "\",");
            stored.put(name, answer);
            code = method.equals("POST") ? 201 : 200;
          }
        }
        case "DELETE" -> {
          answer = stored.remove(name);
          code = answer == null ? 404 : 200;
        }
        default -> {
          code = 405;
          answer = null;
        }
      }
      byte[] bytes = (answer != null ? answer : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
          + "\"code\":" + code + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    api.start();
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + api.getAddress().getPort()).withRequestRetryBackoffLimit(0).build())
        .build();
  }

  @AfterEach
  void stop() {
    client.close();
    api.stop(0);
  }

  private static SecureMailDomain domain() {
    SecureMailDomain domain = new SecureMailDomain();
    domain.getMetadata().setNamespace(NS);
    domain.getMetadata().setName("example");
    domain.getMetadata().setUid("6b1d0c7e-0000-4000-8000-000000000001");
    SecureMailDomainSpec spec = new SecureMailDomainSpec();
    spec.setDomain("example.com");
    domain.setSpec(spec);
    return domain;
  }

  private static Secret secret(String name, String value) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).withResourceVersion("1").endMetadata()
        .withType("Opaque").withData(Map.of("k", value)).build();
  }

  @Test
  void aNewLineageCostsOneReadAndOneCreateAndIsThenReadWithoutAsking() {
    SecretReads secrets = LineageSecrets.readsFor(client, domain());

    LineageKeys created = LineageSecrets.ensure(secrets, domain(), CertNames.LINEAGE_A);
    LineageKeys again = LineageSecrets.ensure(secrets, domain(), CertNames.LINEAGE_A);

    assertThat(calls).containsExactly("GET " + PATH + "/example-mx-a", "POST " + PATH);
    assertThat(again.spki()).as("the key the reconcile created, read back from what was written")
        .isEqualTo(created.spki());
  }

  @Test
  void eachSecretIsReadOnceAndAMissingOneIsNotAskedForAgain() {
    stored.put("present", client.getKubernetesSerialization().asJson(secret("present", "djE=")));
    SecretReads secrets = new SecretReads(client, NS);

    assertThat(secrets.get("present").getData()).containsEntry("k", "djE=");
    assertThat(secrets.get("present").getData()).containsEntry("k", "djE=");
    assertThat(secrets.get("missing")).isNull();
    assertThat(secrets.get("missing")).isNull();

    assertThat(calls).containsExactly("GET " + PATH + "/present", "GET " + PATH + "/missing");
    assertThat(new SecretReads(client, NS).get("present")).as("the next reconcile reads again").isNotNull();
    assertThat(calls).hasSize(3);
  }

  @Test
  void aRefusedUpdateOrADeletionMakesTheNextReadAsk() {
    stored.put("s", client.getKubernetesSerialization().asJson(secret("s", "djE=")));
    SecretReads secrets = new SecretReads(client, NS);
    Secret read = secrets.get("s");
    read.setData(Map.of("k", "djI="));
    conflicting.put("s", true);

    assertThatThrownBy(() -> secrets.update(read)).isInstanceOf(KubernetesClientException.class);
    assertThat(secrets.get("s").getData()).as("what the server holds, not the refused change")
        .containsEntry("k", "djE=");

    secrets.delete("s");
    assertThat(secrets.get("s")).isNull();
    assertThat(calls).containsExactly("GET " + PATH + "/s", "PUT " + PATH + "/s", "GET " + PATH + "/s",
        "DELETE " + PATH + "/s", "GET " + PATH + "/s");
  }
}
