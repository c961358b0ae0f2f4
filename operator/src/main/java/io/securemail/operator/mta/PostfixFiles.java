package io.securemail.operator.mta;

import java.util.Map;
import java.util.TreeMap;

/**
 * The files of one Postfix configuration directory, by name.
 *
 * @param mainCf main.cf
 * @param masterCf master.cf
 * @param outboundHeaderChecks the regexp table the outbound smtp client applies to headers
 */
public record PostfixFiles(String mainCf, String masterCf, String outboundHeaderChecks) {

  public static final String MAIN_CF = "main.cf";
  public static final String MASTER_CF = "master.cf";
  public static final String OUTBOUND_HEADER_CHECKS = "outbound_header_checks";

  /** File name to content, as a ConfigMap's data or a directory's files. */
  public Map<String, String> byName() {
    Map<String, String> files = new TreeMap<>();
    files.put(MAIN_CF, mainCf);
    files.put(MASTER_CF, masterCf);
    files.put(OUTBOUND_HEADER_CHECKS, outboundHeaderChecks);
    return files;
  }
}
