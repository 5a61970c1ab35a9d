package io.flarestack.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The test data is the repository's own, stays inside it, and every folder says where it comes from. */
class SharedTestDataTest {
  @Test
  void theTestDataIsTheRepositorysOwn() throws IOException {
    Path root = SharedTestData.root();
    assertThat(root.getFileName()).hasToString("testdata");
    assertThat(Files.readString(root.resolveSibling("pom.xml"))).contains("<artifactId>flarestack-parent</artifactId>");
  }

  @Test
  void pathsCannotLeaveTheTestDataFolder() {
    assertThat(SharedTestData.path("go/cpu.pb.gz")).startsWith(SharedTestData.root());
    assertThatThrownBy(() -> SharedTestData.path("../pom.xml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leads outside");
    assertThatThrownBy(() -> SharedTestData.path("go/../../pom.xml")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SharedTestData.path("go/no-such-file")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("missing test data file");
  }

  @Test
  void everyFolderHasItsOriginAndLicenceInTheReadme() throws IOException {
    Path root = SharedTestData.root();
    // The README's table: lines "| `folder/` | what | origin | licence |".
    Set<String> listed = Files.readAllLines(root.resolve("README.md")).stream()
        .filter(l -> l.startsWith("| `"))
        .flatMap(l -> Stream.of(l.split("\\|")[1].split(",")))
        .map(c -> c.trim().replace("`", ""))
        .filter(c -> c.endsWith("/"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).contains("pprof/pkg-pprof/", "jfr/", "go/", "java/", "captured/", "tools/");

    List<String> unlisted;
    try (Stream<Path> files = Files.walk(root)) {
      unlisted = files.filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .filter(f -> f.contains("/") && listed.stream().noneMatch(f::startsWith))
          .toList();
    }
    assertThat(unlisted).as("files in folders the README's licence table does not name").isEmpty();
  }
}
