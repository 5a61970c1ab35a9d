package io.flarestack.server.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each architecture rule, applied to the fixture tree under {@code fixture/} (laid out like the
 * product: components, common's tiers, objstore, kv, storage), reports the fixture class made to break
 * it, and never the {@code Clean} class that keeps to the layers.
 */
class ArchitectureRulesCanFailTest {
  private static final String FIXTURE = "io.flarestack.server.arch.fixture";
  private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(FIXTURE);
  private final ArchitectureRules rules = new ArchitectureRules(FIXTURE);

  @Test
  void aComponentImportingAnotherIsReported() {
    assertReports(rules.componentsAreIndependent(), "ImportsIngester");
  }

  @Test
  void commonImportingAModuleAboveIsReported() {
    assertReports(rules.modulesAreLayered(), "ImportsObjstore", "CommonUsesKv", "KvUsesObjstore");
  }

  @Test
  void aLowerTierOfCommonImportingAHigherOrASiblingIsReported() {
    assertReports(rules.commonIsTiered(), "ImportsIo", "ImportsSibling");
  }

  @Test
  void javaUtilRegexInMatcherCodeIsReported() {
    assertReports(rules.matchersAreLinearTime(), "UsesJavaRegex", "CallsStringMatches");
  }

  @Test
  void mutableStaticsAreReported() {
    assertReports(rules.noMutableStatics(), "MutableStatics.counter", "MutableStatics.CACHE", "MutableStatics.TABLE");
  }

  @Test
  void parquetOrACloudSdkInALeanComponentIsReported() {
    assertReports(rules.leanComponentsStayLean(), "UsesParquet", "UsesS3");
  }

  private static void assertReports(ArchRule rule, String... offenders) {
    EvaluationResult result = rule.evaluate(CLASSES);
    assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
    List<String> details = result.getFailureReport().getDetails();
    for (String offender : offenders) {
      assertThat(details).as("violations of " + rule.getDescription()).anyMatch(d -> d.contains(offender));
    }
    assertThat(details).as("the class that keeps to the layers").noneMatch(d -> d.contains("Clean"));
  }
}
