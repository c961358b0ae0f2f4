package io.securemail.operator.compliance.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** TXT data between text and presentation format, both ways through dnsjava. */
class TxtDataTest {

  /** The character-strings of TXT data in presentation format as octets, decoded for reading. */
  private static List<String> characterStrings(String presentation) throws Exception {
    TXTRecord txt = (TXTRecord) Record.fromString(Name.root, Type.TXT, DClass.IN, 0, presentation, Name.root);
    return txt.getStringsAsByteArrays().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void textOfExactly255OctetsStaysOneString() throws Exception {
    String text = "b".repeat(255);

    assertThat(TxtData.presentation(text)).isEqualTo("\"" + text + "\"");
    assertThat(characterStrings(TxtData.presentation(text + "c"))).containsExactly(text, "c");
  }

  @Test
  void quotesAndBackslashesAreEscaped() {
    assertThat(TxtData.presentation("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(TxtData.text("\"a\\\"b\\\\c\"")).isEqualTo("a\"b\\c");
  }

  @Test
  void escapingDoesNotCountTowardsThe255Limit() throws Exception {
    // 255 characters, each needing an escape: still one character-string of 255 octets.
    String text = "\"".repeat(255);

    assertThat(characterStrings(TxtData.presentation(text))).containsExactly(text);
  }

  @Test
  void escapeAtASplitBoundaryStaysWithItsCharacter() throws Exception {
    String text = "x".repeat(254) + "\\\"" + "y";

    assertThat(characterStrings(TxtData.presentation(text))).containsExactly("x".repeat(254) + "\\", "\"y");
  }

  /** RFC 1035 section 5.1: \DDD is the octet with that decimal value, as servers print non-printable octets. */
  @Test
  void decimalEscapesAreDecoded() {
    // \059 is ';' and \032 a space: "v=STSv1; id=20240101".
    assertThat(TxtData.text("\"v=STSv1\\059\\032id=20240101\"")).isEqualTo("v=STSv1; id=20240101");
    // Octets beyond ASCII: UTF-8 for "é".
    assertThat(TxtData.text("\"caf\\195\\169\"")).isEqualTo("café");
  }

  /** RFC 7208 section 3.3: a reader concatenates the strings, with nothing in between. */
  @Test
  void stringsAreConcatenatedWithoutSeparator() {
    assertThat(TxtData.text("\"v=TLSRPTv1; rua=mailto:a@\" \"example.com\"")).isEqualTo(
        "v=TLSRPTv1; rua=mailto:a@example.com");
  }

  /**
   * The 255 limit is on octets (RFC 1035 section 3.3): text with multi-byte characters is split
   * earlier than its character count says, and a character may span two strings.
   */
  @Test
  void textLongerThan255OctetsIsSplitOnOctets() throws Exception {
    String text = "owner=" + "ü".repeat(200); // 6 + 400 octets, 206 characters

    String presentation = TxtData.presentation(text);
    TXTRecord txt = (TXTRecord) Record.fromString(Name.root, Type.TXT, DClass.IN, 0, presentation, Name.root);

    assertThat(txt.getStringsAsByteArrays()).extracting(b -> b.length).containsExactly(255, 151);
    assertThat(TxtData.text(presentation)).isEqualTo(text);
    assertThat(TxtData.text(txt)).isEqualTo(text);
  }

  @Test
  void emptyTextIsOneEmptyString() {
    assertThat(TxtData.presentation("")).isEqualTo("\"\"");
    assertThat(TxtData.text("\"\"")).isEmpty();
  }

  @Test
  void somethingElseIsNoTxtData() {
    assertThatThrownBy(() -> TxtData.text("\"unbalanced")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not TXT data");
  }
}
