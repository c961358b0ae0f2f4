package io.securemail.operator.evidence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The mapping table of docs/evidence.md is the one the command applies. */
class EvidenceDocTest {

  @Test
  void eachAreaHasTheRowThatListsItsChecksAndOtherEvidence() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "evidence.md"));
    for (RequirementArea area : RequirementArea.values()) {
      String checks = area.checks().isEmpty() ? "none"
          : area.checks().stream().map(id -> "`" + id + "`").collect(Collectors.joining(", "));
      String row = "| " + area.title() + " (`" + area.id() + "`) | " + checks + " | "
          + EvidencePage.sections(area.otherEvidence()) + " |";
      assertThat(lines).as("the row of %s in docs/evidence.md", area.id()).contains(row);
    }
  }
}
