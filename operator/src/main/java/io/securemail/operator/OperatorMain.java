package io.securemail.operator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.securemail.operator.compliance.cli.CheckCommand;
import java.util.Arrays;

/**
 * The jar's entry point. {@code check ...} runs the command-line compliance checker and exits before
 * Quarkus starts, so it needs no cluster and reads no kubeconfig; anything else starts the operator.
 */
@QuarkusMain
public final class OperatorMain {

  private OperatorMain() {}

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals("check")) {
      System.exit(CheckCommand.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    Quarkus.run(args);
  }
}
