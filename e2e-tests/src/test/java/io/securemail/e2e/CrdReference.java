package io.securemail.e2e;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.StringJoiner;

/**
 * Renders the CRD's spec schema as a Markdown field reference (docs/reference/securemaildomain.md,
 * docs/reference/mailtransport.md).
 */
final class CrdReference {

  private static final String HEADER = "| field | type | required | default | validation | description |\n"
      + "| --- | --- | --- | --- | --- | --- |\n";

  private CrdReference() {}

  static String render(String crdYaml) {
    return render(crdYaml, null);
  }

  /**
   * @param intro hand-written Markdown placed after the header, before the field tables (how the
   *     kind behaves); null for none
   */
  static String render(String crdYaml, String intro) {
    CustomResourceDefinition crd = Serialization.unmarshal(crdYaml, CustomResourceDefinition.class);
    var version = crd.getSpec().getVersions().get(0);
    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
    StringBuilder out = new StringBuilder()
        .append("# ").append(crd.getSpec().getNames().getKind()).append(" reference\n\n")
        .append("`").append(crd.getSpec().getGroup()).append('/').append(version.getName()).append("`, namespaced, ")
        .append("short name `").append(String.join("`, `", crd.getSpec().getNames().getShortNames())).append("`.\n")
        .append("Generated from `crds/` by the build; do not edit by hand.\n\n");
    if (intro != null) {
      out.append(intro.strip()).append("\n\n## Fields\n\n");
    }
    out.append(HEADER);
    walk("spec", root.getProperties().get("spec"), false, out);
    out.append("\nStatus, written by the operator only:\n\n").append(HEADER);
    walk("status", root.getProperties().get("status"), false, out);
    return out.toString();
  }

  private static void walk(String path, JSONSchemaProps schema, boolean required, StringBuilder out) {
    out.append("| `").append(path).append("` | ").append(type(schema)).append(" | ").append(required ? "yes" : "")
        .append(" | ").append(schema.getDefault() == null ? "" : "`" + schema.getDefault().toString() + "`")
        .append(" | ").append(validation(schema)).append(" | ").append(text(schema.getDescription())).append(" |\n");
    JSONSchemaProps container = schema;
    String prefix = path;
    if ("array".equals(schema.getType()) && schema.getItems() != null && schema.getItems().getSchema() != null) {
      container = schema.getItems().getSchema();
      prefix = path + "[]";
    }
    if (container.getProperties() != null) {
      for (var entry : container.getProperties().entrySet()) {
        boolean childRequired = container.getRequired() != null && container.getRequired().contains(entry.getKey());
        walk(prefix + "." + entry.getKey(), entry.getValue(), childRequired, out);
      }
    }
  }

  private static String type(JSONSchemaProps schema) {
    if ("array".equals(schema.getType()) && schema.getItems() != null && schema.getItems().getSchema() != null) {
      return "array of " + schema.getItems().getSchema().getType();
    }
    return schema.getType();
  }

  private static String validation(JSONSchemaProps s) {
    StringJoiner rules = new StringJoiner("; ");
    if (s.getEnum() != null && !s.getEnum().isEmpty()) {
      rules.add("one of " + String.join(", ", s.getEnum().stream().map(e -> "`" + e.asText() + "`").toList()));
    }
    if (s.getPattern() != null) {
      rules.add("pattern `" + s.getPattern().replace("|", "\\|") + "`");
    }
    if (s.getMinimum() != null) {
      rules.add(">= " + s.getMinimum().longValue());
    }
    if (s.getMaximum() != null) {
      rules.add("<= " + s.getMaximum().longValue());
    }
    if (s.getMaxLength() != null) {
      rules.add("at most " + s.getMaxLength() + " characters");
    }
    if (s.getMinItems() != null) {
      rules.add("at least " + s.getMinItems() + " items");
    }
    if (s.getMaxItems() != null) {
      rules.add("at most " + s.getMaxItems() + " items");
    }
    return rules.toString();
  }

  private static String text(String description) {
    return description == null ? "" : description.replace("|", "\\|").replace("\n", " ");
  }
}
