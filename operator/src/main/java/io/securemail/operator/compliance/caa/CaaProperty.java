package io.securemail.operator.compliance.caa;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One CAA record (RFC 8659 section 4.1): flags, property tag and value.
 *
 * @param flags the flags octet; 128 is the Issuer Critical Flag
 * @param tag the property tag, lower case (tags compare without regard to case)
 * @param value the property value
 */
public record CaaProperty(int flags, String tag, String value) {

  public static final String ISSUE = "issue";
  public static final String ISSUEWILD = "issuewild";
  public static final String IODEF = "iodef";

  /** RFC 8659 section 4.1: bit 0 of the flags, the most significant bit of the octet. */
  private static final int CRITICAL = 128;

  public CaaProperty {
    tag = tag.toLowerCase(Locale.ROOT);
  }

  /** A record's data in presentation format, e.g. {@code 0 issue "letsencrypt.org"}; empty when it is no CAA data. */
  public static Optional<CaaProperty> parse(String presentation) {
    try {
      Record record = Record.fromString(Name.root, Type.CAA, DClass.IN, 0, presentation, Name.root);
      if (record instanceof CAARecord caa) {
        // dnsjava gives the value as printable text (non-ASCII octets escaped); values of the
        // issue and issuewild grammar are ASCII (RFC 8659 section 4.2).
        return Optional.of(new CaaProperty(caa.getFlags(), caa.getTag(), caa.getValue()));
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public boolean critical() {
    return (flags & CRITICAL) != 0;
  }

  /** The tags RFC 8659 defines (sections 4.2 to 4.4); a CA may know more. */
  public boolean definedTag() {
    return ISSUE.equals(tag) || ISSUEWILD.equals(tag) || IODEF.equals(tag);
  }

  /** The record's data in presentation format. */
  public String presentation() {
    return flags + " " + tag + " \"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
