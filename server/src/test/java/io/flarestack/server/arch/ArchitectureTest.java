package io.flarestack.server.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
    assertThat(modules).containsAll(ArchitectureRules.COMPONENTS).contains("common", "objstore", "storage", "server");
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
