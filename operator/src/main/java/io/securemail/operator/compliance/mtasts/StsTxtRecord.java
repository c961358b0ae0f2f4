package io.securemail.operator.compliance.mtasts;

import java.util.List;
import java.util.regex.Pattern;

/** The MTA-STS TXT record at {@code _mta-sts.<domain>} (RFC 8461 section 3.1). */
public record StsTxtRecord(String id) {

  public static final String VERSION = "v=STSv1";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");

  /** The TXT records that claim to be MTA-STS records; others at the name are ignored (section 3.1). */
  public static List<String> candidates(List<String> txtRecords) {
    return txtRecords.stream().filter(t -> TxtFields.startsWithVersion(t, VERSION)).toList();
  }

  public static Parsed<StsTxtRecord> parse(String text) {
    List<TxtFields.Field> fields;
    try {
      fields = TxtFields.parse(text);
    } catch (IllegalArgumentException e) {
      return Parsed.error(e.getMessage());
    }
    if (fields.isEmpty() || !fields.get(0).name().equals("v") || !fields.get(0).value().equals("STSv1")) {
      return Parsed.error("the record must start with v=STSv1");
    }
    List<String> ids = fields.stream().filter(f -> f.name().equals("id")).map(TxtFields.Field::value).toList();
    if (ids.isEmpty()) {
      return Parsed.error("no id field");
    }
    if (ids.size() > 1) {
      return Parsed.error("more than one id field");
    }
    if (!ID.matcher(ids.get(0)).matches()) {
      return Parsed.error("id '" + ids.get(0) + "' must be 1 to 32 letters and digits");
    }
    return Parsed.ok(new StsTxtRecord(ids.get(0)));
  }
}
