package io.securemail.operator.tlsrpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file replaced whole or not at all: the content goes to a sibling {@code .tmp} file, is forced
 * to the disk, and is then renamed over the target. A crash leaves the old content or the new, never
 * half of either; a stray {@code .tmp} file is what the stores clean up at start.
 */
public final class AtomicFile {

  /** The suffix of the sibling file the content is written to first. */
  public static final String TEMPORARY = ".tmp";

  private AtomicFile() {}

  /** Replaces {@code target}'s content with {@code content}. */
  public static void write(Path target, byte[] content) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + TEMPORARY);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Some volume types cannot rename atomically; a plain replace is the best they offer.
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
