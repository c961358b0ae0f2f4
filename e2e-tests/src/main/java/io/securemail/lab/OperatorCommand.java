package io.securemail.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command of the operator's jar ({@code check}, {@code evidence}), as a user runs it: the
 * running JVM's {@code java -jar operator/target/quarkus-app/quarkus-run.jar <command> <arguments>}.
 */
public final class OperatorCommand {

  private OperatorCommand() {}

  /** The command line of {@code command} with {@code arguments}, the jar built in the lab's repository. */
  public static List<String> of(Lab lab, String command, String... arguments) {
    return of(lab, command, List.of(arguments));
  }

  public static List<String> of(Lab lab, String command, List<String> arguments) {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", lab.repoDir().resolve("operator/target/quarkus-app/quarkus-run.jar").toString(), command));
    line.addAll(arguments);
    return line;
  }
}
