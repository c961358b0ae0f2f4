package io.securemail.operator.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build. Maven writes the project version into {@code version.properties} next
 * to this class when it copies the resources, so that the operator ({@code securemail_build_info})
 * and the {@code check} command ({@code --version}, the JSON report's {@code tool}) report the same
 * version. A resource rather than Quarkus configuration, because {@code check} runs before Quarkus
 * boots; rather than the jar manifest, because tests and the fast-jar's application jar have none
 * that carries it.
 */
public final class BuildVersion {

  /** What is reported when the resource is missing or was not filtered (a build outside Maven). */
  public static final String UNKNOWN = "unknown";

  private static final String VERSION = load();

  private BuildVersion() {}

  /** The project version this build was made from, e.g. {@code 0.1.0}. */
  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").trim();
      return version.isEmpty() || version.contains("${") ? UNKNOWN : version;
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
