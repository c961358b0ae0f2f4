package io.securemail.operator.evidence.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/** The operator's error answer, {@code {"error": "..."}}: its message, when the body has that shape. */
final class ErrorBody {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_MESSAGE = 500;

  private ErrorBody() {}

  static Optional<String> message(String body) {
    try {
      JsonNode error = MAPPER.readTree(body).get("error");
      if (error == null || !error.isTextual() || error.asText().isBlank()) {
        return Optional.empty();
      }
      String text = error.asText().strip().replaceAll("\\p{Cntrl}", " ");
      return Optional.of(text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "..." : text);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
