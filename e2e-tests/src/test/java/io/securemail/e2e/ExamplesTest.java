package io.securemail.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.securemail.lab.Lab;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example in examples/ is accepted by the real API server (server-side dry run). */
@ExtendWith(LabExtension.class)
class ExamplesTest {

  static Stream<Path> examples() throws IOException {
    Path dir = Path.of(System.getProperty("securemail.repo.dir", "..")).toAbsolutePath().normalize().resolve("examples");
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleIsAccepted(Path example, Lab lab) throws IOException {
    var client = lab.client();
    List<HasMetadata> items;
    try (InputStream in = Files.newInputStream(example)) {
      items = client.load(in).items();
    }
    assertThat(items).isNotEmpty();
    for (HasMetadata item : items) {
      String namespace = Objects.requireNonNullElse(item.getMetadata().getNamespace(), "default");
      Domains.createNamespace(client, namespace);
      HasMetadata accepted = client.resource(item).inNamespace(namespace).dryRun().create();
      assertThat(accepted.getMetadata().getName()).isEqualTo(item.getMetadata().getName());
    }
  }
}
