package io.securemail.operator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.securemail.operator.compliance.cli.CheckCommand;
import io.securemail.operator.evidence.cli.EvidenceCommand;
import java.util.Arrays;

/**
 * The jar's entry point. {@code check ...} runs the command-line compliance checker and
 * {@code evidence ...} the export of a domain's recorded history; both exit before Quarkus starts,
 * so they need no cluster and read no kubeconfig. Anything else starts the operator.
 */
@QuarkusMain
public final class OperatorMain {

  private OperatorMain() {}

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals("check")) {
      System.exit(CheckCommand.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("evidence")) {
      System.exit(EvidenceCommand.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    Quarkus.run(args);
  }
}
