package io.flarestack.server.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the product code, checked on the compiled classes of every module on the
 * server's classpath (the composition root sees them all). Test classes and test jars are left
 * out: tests may reach across layers to set things up.
 */
class ArchitectureTest {
  private static final String ROOT = "io.flarestack";
  private static JavaClasses product;
  private final ArchitectureRules rules = new ArchitectureRules(ROOT);

  @BeforeAll
  static void importProduct() {
    product = new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages(ROOT);
  }

  @Test
  void everyModuleIsImported() {
    Set<String> modules = product.stream().map(c -> segment(c, 2)).collect(Collectors.toCollection(TreeSet::new));
    assertThat(modules).containsAll(ArchitectureRules.COMPONENTS).contains("common", "objstore", "kv", "storage", "server");
    assertThat(product.stream().filter(c -> c.getPackageName().startsWith(ROOT + ".common")).count())
        .as("classes of common").isGreaterThan(100);
  }

  @Test
  void everyPackageOfCommonHasATier() {
    Set<String> packages = product.stream().filter(c -> c.getPackageName().startsWith(ROOT + ".common."))
        .map(c -> segment(c, 3)).collect(Collectors.toCollection(TreeSet::new));
    Set<String> tiered = ArchitectureRules.COMMON_TIERS.stream().flatMap(List::stream)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(packages).as("packages of common; place a new one in ArchitectureRules.COMMON_TIERS")
        .isEqualTo(tiered);
  }

  /** docs/architecture.md is kept current: its module table names every module of the build, and its tiers are the rules' tiers. */
  @Test
  void theArchitecturePageNamesEveryModuleAndTier() throws IOException {
    Path repo = Path.of("").toAbsolutePath().getParent();
    String pom = Files.readString(repo.resolve("pom.xml"));
    List<String> modules = Pattern.compile("<module>([^<]+)</module>").matcher(pom).results().map(m -> m.group(1)).toList();
    assertThat(modules).as("modules of the root pom").contains("common", "server", "storage", "objstore", "kv");
    String page = Files.readString(repo.resolve("docs/architecture.md"));
    List<String> tableRows = page.lines().filter(l -> l.startsWith("| `")).toList();
    for (String module : modules) {
      assertThat(tableRows).as("a row of docs/architecture.md's module table for " + module)
          .anyMatch(row -> row.contains("`" + module + "`"));
    }
    String tiers = ArchitectureRules.COMMON_TIERS.stream().map(t -> String.join(" ", t))
        .collect(Collectors.joining("  <  "));
    assertThat(page).as("the tiers of common as drawn in docs/architecture.md").contains(tiers);
  }

  @Test
  void componentsAreIndependent() {
    rules.componentsAreIndependent().check(product);
  }

  @Test
  void modulesAreLayered() {
    rules.modulesAreLayered().check(product);
  }

  @Test
  void commonIsTiered() {
    rules.commonIsTiered().check(product);
  }

  @Test
  void matchersAreLinearTime() {
    rules.matchersAreLinearTime().check(product);
  }

  @Test
  void noMutableStatics() {
    rules.noMutableStatics().check(product);
  }

  @Test
  void leanComponentsStayLean() {
    rules.leanComponentsStayLean().check(product);
  }

  /** The n-th dot-separated segment of a class's package (0-based), or "" when it has fewer. */
  static String segment(JavaClass c, int n) {
    String[] parts = c.getPackageName().split("\\.");
    return parts.length > n ? parts[n] : "";
  }
}
