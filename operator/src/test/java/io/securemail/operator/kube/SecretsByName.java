package io.securemail.operator.kube;

import io.securemail.operator.kube.SmallApiServer.Answer;
import io.securemail.operator.kube.SmallApiServer.Request;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The Secrets of one namespace as a {@link SmallApiServer} keeps them: by name, created, read,
 * replaced and deleted, each stored write given a new resourceVersion. It records every request
 * ("GET /api/v1/namespaces/NS/secrets/NAME"), and refuses updates of the names in {@link
 * #conflicting} with 409 Conflict, as the API server does when the object changed since it was read.
 */
public final class SecretsByName implements Function<Request, Answer> {

  private final String path;
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** Each Secret's JSON, by name. */
  public final Map<String, String> stored = new ConcurrentHashMap<>();
  /** Names whose create or update the server refuses with 409 Conflict. */
  public final Set<String> conflicting = ConcurrentHashMap.newKeySet();

  public SecretsByName(String namespace) {
    this.path = "/api/v1/namespaces/" + namespace + "/secrets";
  }

  /** The path of the namespace's Secrets. */
  public String path() {
    return path;
  }

  @Override
  public Answer apply(Request request) {
    calls.add(request.method() + " " + request.path());
    String name = request.path().equals(path)
        ? request.body().replaceFirst("(?s).*\"name\"\\s*:\\s*\"([^\"]+)\".*", "$1")
        : request.path().substring(path.length() + 1);
    return switch (request.method()) {
      case "GET" -> stored.containsKey(name) ? Answer.ok(stored.get(name)) : new Answer(404, null);
      case "POST", "PUT" -> {
        if (conflicting.contains(name)) {
          yield new Answer(409, null);
        }
        String written = request.body().replaceFirst("\"metadata\"\\s*:\\s*\\{",
            "\"metadata\":{\"resourceVersion\":\"" + calls.size() + "\",");
        stored.put(name, written);
        yield new Answer(request.method().equals("POST") ? 201 : 200, written);
      }
      case "DELETE" -> {
        String removed = stored.remove(name);
        yield removed == null ? new Answer(404, null) : Answer.ok(removed);
      }
      default -> new Answer(405, null);
    };
  }
}
