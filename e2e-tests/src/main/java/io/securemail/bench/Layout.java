package io.securemail.bench;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Where the benchmark's domains live: all in one namespace, or ten to a namespace; or, for
 * {@code transport}, all attached to one MailTransport ({@link FleetBenchmark}).
 */
public enum Layout {
  ONE_NAMESPACE("one-namespace"),
  SPREAD("spread"),
  TRANSPORT("transport");

  private final String id;

  Layout(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Layout of(String id) {
    for (Layout layout : values()) {
      if (layout.id.equals(id)) {
        return layout;
      }
    }
    throw new IllegalArgumentException("bench.layout must be one-namespace, spread or transport, not " + id);
  }

  /** The namespaces of {@code domains} domains. */
  public List<String> namespaces(int domains) {
    return this == ONE_NAMESPACE ? List.of("bench")
        : IntStream.range(0, Math.max(1, (domains + 9) / 10)).mapToObj(i -> String.format("bench-%03d", i)).toList();
  }

  /** The namespace of the {@code index}th domain (from 0). */
  public String namespaceOf(int index, int domains) {
    List<String> namespaces = namespaces(domains);
    return this == ONE_NAMESPACE ? namespaces.get(0) : namespaces.get(index / 10);
  }
}
