package io.securemail.operator.compliance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.securemail.operator.compliance.checks.Check;
import io.securemail.operator.compliance.checks.Checks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Every check's {@code doc} link in the JSON report leads to the section that explains the check. */
class CheckDocTest {

  @Test
  void everyCheckLinksToTheAnchorOfItsOwnHeading() throws Exception {
    List<String> headings = Files.readAllLines(Path.of("..", CheckDoc.PAGE)).stream()
        .filter(line -> line.startsWith("#")).map(line -> line.replaceFirst("^#+\\s*", "").strip()).toList();
    for (String id : Checks.all().stream().map(Check::id).toList()) {
      assertThat(headings).as("a heading for %s in %s", id, CheckDoc.PAGE).contains(id);
      assertThat(CheckDoc.link(id)).isEqualTo(CheckDoc.PAGE + "#" + githubAnchor(id));
      assertThat(headings.stream().map(CheckDocTest::githubAnchor).filter(githubAnchor(id)::equals))
          .as("the anchor of %s is unique on the page", id).hasSize(1);
    }
  }

  @Test
  void theLinkOfDaneMatchIsTheOneTheDocsUse() {
    assertThat(CheckDoc.link("dane.match")).isEqualTo("docs/compliance.md#danematch");
  }

  /** GitHub's anchor of a heading: lowercase, punctuation other than '-' and '_' dropped, spaces as '-'. */
  private static String githubAnchor(String heading) {
    StringBuilder anchor = new StringBuilder();
    for (char c : heading.toLowerCase(Locale.ROOT).toCharArray()) {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        anchor.append(c);
      } else if (c == ' ') {
        anchor.append('-');
      }
    }
    return anchor.toString();
  }
}
