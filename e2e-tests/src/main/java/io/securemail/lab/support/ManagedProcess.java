package io.securemail.lab.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A server the lab started: its output goes to a log file, and it is stopped by its own pid. */
public final class ManagedProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new ManagedProcess(name, builder.start(), log);
  }

  /** Waits until {@code ready} holds, failing early (with the log's tail) if the process dies. */
  public void awaitReady(Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log + ":\n" + tail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + "; log " + log + ":\n" + tail());
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The exit code, once the process has exited. */
  public java.util.OptionalInt exitValue() {
    return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
  }

  public String tail() {
    return tail(log);
  }

  /** The last 40 lines of a log file, for error messages. */
  public static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /**
   * SIGTERM to the process alone, as a kubelet stopping a container sends it, and waits up to
   * {@code grace} for it to exit by itself; then SIGKILL.
   *
   * @return the exit code when it exited by itself within the grace period, else empty
   */
  public java.util.OptionalInt terminate(java.time.Duration grace) {
    process.destroy();
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return java.util.OptionalInt.of(process.exitValue());
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return java.util.OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.OptionalInt.empty();
    }
  }

  /** SIGTERM, then SIGKILL after 10 s, for the process and anything it started. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The outcome of a short-lived helper command (a config checker, a control tool). */
  public record Completed(int exitCode, String output) {}

  /** Runs a short-lived command to completion (30 s at most), output and errors together. */
  public static Completed run(List<String> command) throws IOException {
    return run(command, Map.of(), Duration.ofSeconds(30));
  }

  /**
   * Runs a command to completion, output and errors together, with {@code env} added to this
   * process's environment; kills it and fails after {@code timeout}.
   */
  public static Completed run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    // Read on a thread of its own: reading here would block until the command ends, and a hung
    // command would never reach the timeout (the common pool has one thread on two cores).
    java.util.concurrent.CompletableFuture<byte[]> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, task -> {
      Thread reader = new Thread(task, "command-output");
      reader.setDaemon(true);
      reader.start();
    });
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
      }
      return new Completed(p.exitValue(), new String(out.get(10, TimeUnit.SECONDS)).trim());
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("cannot read the output of " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /**
   * Stops a server a killed lab left behind, which no {@link ManagedProcess} holds any more: SIGTERM,
   * so that it ends its own children, then up to {@code grace} for it to exit.
   *
   * @param what the server, for the messages ("the Docker daemon a killed lab left behind")
   */
  public static void stopLeftBehind(ProcessHandle process, String what, Duration grace) throws IOException {
    System.err.printf("[lab] stopping %s (pid %d)%n", what, process.pid());
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(what + " (pid " + process.pid() + ") does not stop within " + grace.toSeconds() + " s", e);
    }
  }

  /** Looks for a program on PATH and in the sbin directories, which a non-login PATH often lacks. */
  public static Optional<Path> find(String name) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin"))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
