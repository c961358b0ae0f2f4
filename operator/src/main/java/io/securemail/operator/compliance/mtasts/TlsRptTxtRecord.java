package io.securemail.operator.compliance.mtasts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The TLS-RPT TXT record at {@code _smtp._tls.<domain>} (RFC 8460 section 3). */
public record TlsRptTxtRecord(List<String> rua) {

  public static final String VERSION = "v=TLSRPTv1";
  private static final Pattern DOMAIN = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9-]{2,63}");

  public TlsRptTxtRecord {
    rua = List.copyOf(rua);
  }

  /** Records that do not start with v=TLSRPTv1 are discarded (section 3). */
  public static List<String> candidates(List<String> txtRecords) {
    return txtRecords.stream().filter(t -> TxtFields.startsWithVersion(t, VERSION)).toList();
  }

  public static Parsed<TlsRptTxtRecord> parse(String text) {
    List<TxtFields.Field> fields;
    try {
      fields = TxtFields.parse(text);
    } catch (IllegalArgumentException e) {
      return Parsed.error(e.getMessage());
    }
    if (fields.isEmpty() || !fields.get(0).name().equals("v") || !fields.get(0).value().equals("TLSRPTv1")) {
      return Parsed.error("the record must start with v=TLSRPTv1");
    }
    List<String> ruaFields = fields.stream().filter(f -> f.name().equals("rua")).map(TxtFields.Field::value).toList();
    if (ruaFields.size() != 1) {
      return Parsed.error(ruaFields.isEmpty() ? "no rua field" : "more than one rua field");
    }
    List<String> uris = new ArrayList<>();
    // rua = URI *(*WSP "," *WSP URI); a comma inside a URI must be percent-encoded.
    for (String uri : ruaFields.get(0).split(",", -1)) {
      String u = uri.strip();
      String problem = uriProblem(u);
      if (problem != null) {
        return Parsed.error(problem);
      }
      uris.add(u);
    }
    return Parsed.ok(new TlsRptTxtRecord(uris));
  }

  /** Reports go by mail (mailto:, RFC 6068) or HTTPS POST (https:); nothing else is defined (section 3). */
  private static String uriProblem(String uri) {
    if (uri.isEmpty()) {
      return "rua has an empty entry";
    }
    try {
      URI parsed = new URI(uri);
      String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase();
      if (scheme.equals("mailto")) {
        String address = parsed.getSchemeSpecificPart();
        int query = address.indexOf('?');
        address = query < 0 ? address : address.substring(0, query);
        int at = address.lastIndexOf('@');
        if (at <= 0 || !DOMAIN.matcher(address.substring(at + 1)).matches()) {
          return "rua '" + uri + "' is not a mailto: URI with an address";
        }
        return null;
      }
      if (scheme.equals("https")) {
        return parsed.getHost() == null ? "rua '" + uri + "' has no host" : null;
      }
      return "rua '" + uri + "' must be a mailto: or https: URI";
    } catch (URISyntaxException e) {
      return "rua '" + uri + "' is not a URI: " + e.getReason();
    }
  }
}
