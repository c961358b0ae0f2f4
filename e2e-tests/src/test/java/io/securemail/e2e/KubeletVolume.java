package io.securemail.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A host directory written as the kubelet writes a ConfigMap or Secret volume, to be bind-mounted
 * into a container: each version in a timestamped hidden directory ({@code ..2026_01_31_12_00_00.123}),
 * {@code ..data} a link to the current one, swapped by renaming a new link over it, and every key a
 * link {@code <key> -> ..data/<key>}. The files get the volume's defaultMode and, like a Pod's
 * fsGroup, a group, so that a non-root container can read keys that are not world-readable.
 */
final class KubeletVolume {

  private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.SSSSSSSSS");

  private final Path dir;
  private final String mode;
  private final Integer group;

  /**
   * @param mode the files' permissions, as defaultMode ("r--r-----" for 0440)
   * @param group the files' group id (fsGroup), or null to leave them root's
   */
  KubeletVolume(Path dir, String mode, Integer group) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.mode = mode;
    this.group = group;
  }

  Path dir() {
    return dir;
  }

  /** Makes {@code files} (name to content) the volume's new version, in one {@code ..data} swap. */
  void write(Map<String, String> files) throws IOException {
    Path data = dir.resolve("..data");
    Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    Path version = Files.createDirectory(dir.resolve(LocalDateTime.now().format(VERSION)));
    Files.setPosixFilePermissions(version, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = version.resolve(file.getKey());
      Files.writeString(path, file.getValue(), StandardCharsets.US_ASCII);
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
      if (group != null) {
        GroupPrincipal principal = dir.getFileSystem().getUserPrincipalLookupService()
            .lookupPrincipalByGroupName(String.valueOf(group));
        Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(principal);
      }
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, version.getFileName());
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String name : files.keySet()) {
      if (!Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
      }
    }
    if (previous != null) {
      try (Stream<Path> old = Files.walk(previous)) {
        for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
