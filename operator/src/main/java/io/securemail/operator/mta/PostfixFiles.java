package io.securemail.operator.mta;

import java.util.Map;
import java.util.TreeMap;

/**
 * The files of one Postfix configuration directory, by name.
 *
 * @param mainCf main.cf
 * @param masterCf master.cf
 * @param outboundHeaderChecks the regexp table the outbound smtp client applies to headers
 * @param opensslCnf the OpenSSL configuration main.cf names in {@code tls_config_file}, or null
 *     when the TLS profile keeps OpenSSL's defaults (then main.cf names none)
 * @param submissionTables the lookup tables of the submission service by file name (client keys,
 *     senders), none while submission is closed
 * @param reportTables the lookup tables that route TLS report mail to the operator's receiver
 *     ({@link TlsRptMailRoutes}), by file name; none unless spec.tlsRpt.receive.mail is on
 * @param routingTables the inbound routing tables by file name, always present: the routes of
 *     spec.mta.inbound.routes ({@link InboundRoutes}) and the MTA's own MX hosts ({@link PostfixConfig#ownMx})
 */
public record PostfixFiles(String mainCf, String masterCf, String outboundHeaderChecks, String opensslCnf,
    Map<String, String> submissionTables, Map<String, String> reportTables,
    Map<String, String> routingTables) {

  public PostfixFiles {
    submissionTables = Map.copyOf(submissionTables);
    reportTables = Map.copyOf(reportTables);
    routingTables = Map.copyOf(routingTables);
  }

  public static final String MAIN_CF = "main.cf";
  public static final String MASTER_CF = "master.cf";
  public static final String OUTBOUND_HEADER_CHECKS = "outbound_header_checks";
  public static final String OPENSSL_CNF = "openssl.cnf";

  /** File name to content, as a ConfigMap's data or a directory's files. */
  public Map<String, String> byName() {
    Map<String, String> files = new TreeMap<>();
    files.put(MAIN_CF, mainCf);
    files.put(MASTER_CF, masterCf);
    files.put(OUTBOUND_HEADER_CHECKS, outboundHeaderChecks);
    if (opensslCnf != null) {
      files.put(OPENSSL_CNF, opensslCnf);
    }
    files.putAll(submissionTables);
    files.putAll(reportTables);
    files.putAll(routingTables);
    return files;
  }
}
