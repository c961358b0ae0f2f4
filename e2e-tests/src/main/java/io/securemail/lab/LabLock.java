package io.securemail.lab;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One lab per machine: its servers use fixed addresses (port 53 of 127.0.53.x, the node address,
 * the container engine's socket). A lab holds this lock from its start to its end; a second lab
 * fails at once, before it touches anything of the first one's. What a lab that was killed left
 * behind (the bridge, mounts, iptables chains) is then known to be nobody's, and is cleared by the
 * next lab as it starts. A benchmark that starts some of the lab's servers without a whole lab
 * holds it too.
 */
public final class LabLock implements AutoCloseable {

  static final Path FILE = Path.of("/run/securemail-lab/lab.lock");

  private final FileChannel channel;
  private final FileLock lock;

  private LabLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static LabLock acquire() throws IOException {
    Files.createDirectories(FILE.getParent());
    FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      String holder = Files.readString(FILE).trim();
      channel.close();
      throw new IllegalStateException("another lab is running on this machine (" + (holder.isEmpty() ? "lock "
          + FILE : holder) + "); wait for it to stop, or stop it");
    }
    channel.truncate(0);
    channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes()));
    return new LabLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      System.err.println("[lab] could not release " + FILE + ": " + e.getMessage());
    }
  }
}
