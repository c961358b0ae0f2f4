package io.securemail.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.util.Arrays;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's default images are the project's own, tagged with the project version: one
 * definition each, in application.properties, that follows quarkus.application.version (which the
 * Quarkus build sets from the Maven project version).
 */
class ImageDefaultsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "securemail.mta.image,    ghcr.io/securemail/securemail-mta:1.2.3-SNAPSHOT",
      "securemail.mtasts.image, ghcr.io/securemail/securemail-policy-server:1.2.3-SNAPSHOT",
  })
  void defaultImagesFollowTheApplicationVersion(String property, String image) throws IOException {
    assertThat(config("1.2.3-SNAPSHOT").getValue(property, String.class)).isEqualTo(image);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "securemail.mta.image,    io.securemail.operator.mta.MtaDeployment",
      "securemail.mtasts.image, io.securemail.operator.mtasts.MtaStsHosting",
  })
  void theInjectionPointHasNoDefaultOfItsOwn(String property, Class<?> type) {
    Constructor<?> constructor = Arrays.stream(type.getConstructors())
        .filter(c -> c.isAnnotationPresent(Inject.class)).findFirst().orElseThrow();
    ConfigProperty injected = Arrays.stream(constructor.getParameters())
        .map(p -> p.getAnnotation(ConfigProperty.class))
        .filter(a -> a != null && a.name().equals(property)).findFirst().orElseThrow();
    assertThat(injected.defaultValue()).as("%s's default (application.properties has it)", property)
        .isEqualTo(ConfigProperty.UNCONFIGURED_VALUE);
  }

  /** application.properties, with quarkus.application.version as the Quarkus build records it. */
  private static SmallRyeConfig config(String version) throws IOException {
    URL properties = ImageDefaultsTest.class.getClassLoader().getResource("application.properties");
    assertThat(properties).as("application.properties on the class path").isNotNull();
    return new SmallRyeConfigBuilder().addDefaultInterceptors()
        .withSources(new PropertiesConfigSource(properties, 250))
        .withSources(new PropertiesConfigSource(Map.of("quarkus.application.version", version), "build", 0))
        .build();
  }
}
