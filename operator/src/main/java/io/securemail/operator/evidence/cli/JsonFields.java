package io.securemail.operator.evidence.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of one JSON object of the evidence document, naming the field's path (e.g.
 * {@code compliance[3].time}) in every error, so a person can find what is wrong. Fields it is not
 * asked for are ignored.
 */
final class JsonFields {

  private final JsonNode node;
  private final String path;

  private JsonFields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  static JsonFields of(JsonNode node, String path) throws ExportFailure {
    if (node == null || !node.isObject()) {
      throw notEvidence(path.isEmpty() ? "the document is not a JSON object" : path + " is not a JSON object");
    }
    return new JsonFields(node, path);
  }

  String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  boolean has(String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  String text(String field) throws ExportFailure {
    String value = optionalText(field);
    if (value == null) {
      throw notEvidence(path(field) + " is missing");
    }
    return value;
  }

  String optionalText(String field) throws ExportFailure {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw notEvidence(path(field) + " is not a string");
    }
    return value.asText();
  }

  Instant instant(String field) throws ExportFailure {
    Instant value = optionalInstant(field);
    if (value == null) {
      throw notEvidence(path(field) + " is missing");
    }
    return value;
  }

  Instant optionalInstant(String field) throws ExportFailure {
    String text = optionalText(field);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw notEvidence(path(field) + " is not an ISO-8601 instant: '" + text + "'");
    }
  }

  long count(String field, long absent) throws ExportFailure {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
      throw notEvidence(path(field) + " is not a count: " + value);
    }
    return value.asLong();
  }

  boolean bool(String field, boolean absent) throws ExportFailure {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isBoolean()) {
      throw notEvidence(path(field) + " is not true or false");
    }
    return value.asBoolean();
  }

  List<String> texts(String field) throws ExportFailure {
    List<String> texts = new ArrayList<>();
    for (JsonNode element : array(field)) {
      if (!element.isTextual()) {
        throw notEvidence(path(field) + "[" + texts.size() + "] is not a string");
      }
      texts.add(element.asText());
    }
    return List.copyOf(texts);
  }

  Map<String, Long> counts(String field) throws ExportFailure {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    JsonFields object = of(value, path(field));
    Map<String, Long> counts = new LinkedHashMap<>();
    for (var names = value.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      counts.put(name, object.count(name, 0));
    }
    return counts;
  }

  /** Each element of an array of objects, read by {@code reader}; a missing array is empty. */
  <T> List<T> objects(String field, Reader<T> reader) throws ExportFailure {
    List<T> read = new ArrayList<>();
    int index = 0;
    for (JsonNode element : array(field)) {
      read.add(reader.read(of(element, path(field) + "[" + index++ + "]")));
    }
    return List.copyOf(read);
  }

  private Iterable<JsonNode> array(String field) throws ExportFailure {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw notEvidence(path(field) + " is not an array");
    }
    return value;
  }

  static ExportFailure notEvidence(String why) {
    return new ExportFailure(ExitCode.NOT_EVIDENCE, "not an evidence document: " + why);
  }

  /** Reads one object. */
  interface Reader<T> {
    T read(JsonFields fields) throws ExportFailure;
  }
}
