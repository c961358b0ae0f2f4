package io.securemail.operator.compliance.cli;

import io.securemail.operator.build.BuildVersion;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code check --version} prints: the tool's name as the JSON report's {@code tool} gives it,
 * and the version of the build, so a report and a bug can name the checker that made them.
 */
final class CheckVersion implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {ReportJson.TOOL + " " + BuildVersion.current()};
  }
}
