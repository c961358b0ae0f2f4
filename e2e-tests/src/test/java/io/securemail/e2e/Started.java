package io.securemail.e2e;

import java.util.ArrayList;
import java.util.List;

/** What a test class started (servers, MTAs, mounts), closed in reverse order when the class ends. */
final class Started {

  private final List<AutoCloseable> items = new ArrayList<>();

  synchronized <T extends AutoCloseable> T add(T closeable) {
    items.add(closeable);
    return closeable;
  }

  /** Closes everything, newest first; a failure to close one is printed and the rest still close. */
  synchronized void closeAll() {
    for (int i = items.size() - 1; i >= 0; i--) {
      try {
        items.get(i).close();
      } catch (Exception e) {
        System.out.println("[test] closing " + items.get(i) + ": " + e);
      }
    }
    items.clear();
  }
}
