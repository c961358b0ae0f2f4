package io.securemail.lab.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory holding the keys of one ConfigMap or Secret as files, laid out and replaced as the
 * kubelet's atomic writer does for a Pod's volume: the content lives in a hidden generation
 * directory ({@code ..<generation>}), {@code ..data} is a symbolic link to the current one, and
 * every key is a symbolic link {@code <key> -> ..data/<key>}. A new content is written into a new
 * generation directory and made current by renaming a new {@code ..data} link over the old one, so
 * a reader sees either all of the old files or all of the new ones (a certificate never with the
 * key of another), then links of keys that disappeared are removed, and the old generation.
 */
public final class VolumeDirectory {

  /** Keys a ConfigMap or Secret may have (and none may start with ".."). */
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private final Path dir;
  private final Set<PosixFilePermission> mode;
  private final Integer group;
  private Map<String, byte[]> current = Map.of();
  private int generation;

  /** @param mode the files' permissions, as a volume's defaultMode ("rw-r--r--") */
  public VolumeDirectory(Path dir, String mode) throws IOException {
    this(dir, mode, null);
  }

  /**
   * @param mode the files' permissions, as a volume's defaultMode ("r--r-----" for 0440)
   * @param group the files' group id, as a Pod's fsGroup gives them (a non-root container then reads
   *     keys that are not world-readable), or null to leave them the writer's
   */
  public VolumeDirectory(Path dir, String mode, Integer group) throws IOException {
    this.dir = dir;
    this.mode = PosixFilePermissions.fromString(mode);
    this.group = group;
    Files.createDirectories(dir);
  }

  public Path dir() {
    return dir;
  }

  /** {@link #write} of text files (name to content, US-ASCII as PEM and configuration are). */
  public boolean writeText(Map<String, String> files) throws IOException {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    files.forEach((name, text) -> bytes.put(name, text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    return write(bytes);
  }

  /** Whether the directory holds exactly these files now. */
  public synchronized boolean holds(Map<String, byte[]> files) {
    return same(current, files);
  }

  /**
   * Makes the directory hold exactly these files (none for a deleted object); does nothing when it
   * already does. Keys that are not valid object keys are left out.
   *
   * @return whether anything changed
   */
  public synchronized boolean write(Map<String, byte[]> files) throws IOException {
    Map<String, byte[]> next = new LinkedHashMap<>();
    files.forEach((key, content) -> {
      if (KEY.matcher(key).matches() && !key.startsWith("..")) {
        next.put(key, content.clone());
      } else {
        System.out.printf("[lab] %s: key '%s' is not a valid object key; not written%n", dir, key);
      }
    });
    if (same(current, next)) {
      return false;
    }
    Path previous = Files.isSymbolicLink(dir.resolve("..data")) ? dir.resolve(Files.readSymbolicLink(dir.resolve("..data")))
        : null;
    Path target = dir.resolve(".." + (++generation) + "_" + System.nanoTime());
    Files.createDirectory(target);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Map.Entry<String, byte[]> file : next.entrySet()) {
      Path path = target.resolve(file.getKey());
      Files.write(path, file.getValue());
      Files.setPosixFilePermissions(path, mode);
      if (group != null) {
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(String.valueOf(group)));
      }
    }
    Path newData = dir.resolve("..data_tmp");
    Files.deleteIfExists(newData);
    Files.createSymbolicLink(newData, target.getFileName());
    Files.move(newData, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String key : next.keySet()) {
      Path link = dir.resolve(key);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, Path.of("..data", key));
      }
    }
    for (String key : current.keySet()) {
      if (!next.containsKey(key)) {
        Files.deleteIfExists(dir.resolve(key));
      }
    }
    if (previous != null && Files.isDirectory(previous, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(previous);
    }
    current = next;
    return true;
  }

  private static boolean same(Map<String, byte[]> a, Map<String, byte[]> b) {
    return a.size() == b.size() && a.entrySet().stream()
        .allMatch(e -> b.containsKey(e.getKey()) && Arrays.equals(e.getValue(), b.get(e.getKey())));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
