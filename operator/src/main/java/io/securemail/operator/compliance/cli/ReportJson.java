package io.securemail.operator.compliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.securemail.operator.compliance.CheckResult;
import io.securemail.operator.compliance.Report;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The report as JSON: {"domain","profile","compliant","checks":[{"id","subject","status","message"}]}. */
public final class ReportJson {

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  public static String render(Report report) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("domain", report.domain());
    root.put("profile", report.profile().id());
    root.put("compliant", report.compliant());
    List<Map<String, String>> checks = report.checks().stream().map(ReportJson::check).toList();
    root.put("checks", checks);
    try {
      return MAPPER.writeValueAsString(root) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings and booleans always serialize", e);
    }
  }

  private static Map<String, String> check(CheckResult result) {
    Map<String, String> check = new LinkedHashMap<>();
    check.put("id", result.id());
    check.put("subject", result.subject());
    check.put("status", result.status().name());
    check.put("message", result.message());
    return check;
  }
}
