package io.securemail.operator.evidence.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The {@code --format} values: two documents for people and the mapped document as JSON. */
enum Format {
  markdown {
    @Override
    String render(EvidenceExport export) {
      return EvidencePage.render(export, new MarkdownPage());
    }
  },
  html {
    @Override
    String render(EvidenceExport export) {
      return EvidencePage.render(export, new HtmlPage(EvidencePage.title(export)));
    }
  },
  json {
    @Override
    String render(EvidenceExport export) {
      try {
        return MAPPER.writeValueAsString(export) + System.lineSeparator();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("records of strings, numbers and lists always serialize", e);
      }
    }
  };

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  abstract String render(EvidenceExport export);
}
