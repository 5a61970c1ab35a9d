package io.flarestack.server.arch;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The project's layering, as ArchUnit rules over one root package. The architecture test applies
 * them to {@code io.flarestack}; the rules' own test applies the same rules to a small fixture
 * tree that breaks each of them, so a rule that could never fail is noticed.
 *
 * <p>Layers, bottom-up: {@code common} (in tiers, see {@link #COMMON_TIERS}), then {@code objstore}
 * and, beside it, {@code kv} (the ring KV backends; the two never see each other), then
 * {@code storage}, then the seven components, which never see each other, then {@code server},
 * the composition root, which may see everything.
 */
final class ArchitectureRules {
  /** The components: separately deployable, and never importing one another. */
  static final List<String> COMPONENTS = List.of("distributor", "ingester", "querier", "queryfrontend",
      "queryscheduler", "storegateway", "compactor");

  /**
   * The packages of {@code common}, bottom-up. A package may use packages of lower tiers only —
   * not its own tier's siblings, not a higher tier. Every package of {@code common} must be in
   * exactly one tier (the architecture test checks it), so a new package takes a deliberate place.
   */
  static final List<List<String>> COMMON_TIERS = List.of(
      List.of("errors", "config", "lifecycle", "metrics"),
      List.of("io", "tenant", "limits"),
      List.of("model", "client"),
      List.of("cancel", "ring", "edge"));

  /**
   * Components that sit in front of storage: they must not reach the block format, object storage,
   * Parquet or a cloud SDK (the build's enforcer keeps those jars off their classpath too).
   */
  static final List<String> LEAN_COMPONENTS = List.of("distributor", "querier", "queryfrontend", "queryscheduler");

  private static final String[] HEAVY_LIBRARIES = {"org.apache.parquet..", "org.apache.hadoop..",
      "software.amazon..", "com.google.cloud..", "com.azure..", "com.github.luben.zstd.."};

  /** Code that evaluates label matchers on untrusted patterns: RE2/J only, never a backtracking engine. */
  static final List<String> MATCHER_PACKAGES = List.of("common.model", "storage", "ingester.head", "ingester.query",
      "querier", "storegateway");

  /** Declared field types that make a static field shared mutable state. */
  private static final List<Class<?>> MUTABLE_TYPES = List.of(java.util.HashMap.class, java.util.ArrayList.class,
      java.util.HashSet.class, java.util.LinkedHashMap.class, java.util.LinkedHashSet.class, java.util.TreeMap.class,
      java.util.TreeSet.class, java.util.ArrayDeque.class, java.util.LinkedList.class, java.util.EnumMap.class,
      java.util.IdentityHashMap.class, java.util.WeakHashMap.class, Random.class, ThreadLocal.class,
      io.micrometer.core.instrument.MeterRegistry.class);

  private final String root;

  /** @param root the package all rules are relative to, e.g. {@code io.flarestack} */
  ArchitectureRules(String root) {
    this.root = root;
  }

  /** No component imports another component. */
  ArchRule componentsAreIndependent() {
    List<ArchRule> rules = new ArrayList<>();
    for (String component : COMPONENTS) {
      String[] others = COMPONENTS.stream().filter(c -> !c.equals(component)).map(this::tree).toArray(String[]::new);
      rules.add(noClasses().that().resideInAPackage(tree(component))
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .as("component " + component + " does not import another component")
          .allowEmptyShould(true));
    }
    return CompositeArchRule.of(rules).as("no component imports another component");
  }

  /**
   * The shared modules never import what is above them: common < objstore, kv < storage <
   * components < server, where objstore and kv are siblings that do not import each other.
   */
  ArchRule modulesAreLayered() {
    List<String> above = new ArrayList<>(COMPONENTS);
    above.add("server");
    List<ArchRule> rules = new ArrayList<>();
    rules.add(layer("storage", above));
    above.add("storage");
    List<String> aboveObjstore = new ArrayList<>(above);
    aboveObjstore.add("kv");
    rules.add(layer("objstore", aboveObjstore));
    List<String> aboveKv = new ArrayList<>(above);
    aboveKv.add("objstore");
    rules.add(layer("kv", aboveKv));
    above.add("objstore");
    above.add("kv");
    rules.add(layer("common", above));
    for (String component : COMPONENTS) {
      rules.add(layer(component, List.of("server")));
    }
    return CompositeArchRule.of(rules).as("common < objstore, kv < storage < components < server");
  }

  /** Within common, a package uses lower tiers only. */
  ArchRule commonIsTiered() {
    List<ArchRule> rules = new ArrayList<>();
    for (int tier = 0; tier < COMMON_TIERS.size(); tier++) {
      List<String> sameOrHigher = COMMON_TIERS.subList(tier, COMMON_TIERS.size()).stream().flatMap(List::stream).toList();
      for (String pkg : COMMON_TIERS.get(tier)) {
        String[] forbidden = sameOrHigher.stream().filter(p -> !p.equals(pkg)).map(p -> tree("common." + p))
            .toArray(String[]::new);
        rules.add(noClasses().that().resideInAPackage(tree("common." + pkg))
            .should().dependOnClassesThat().resideInAnyPackage(forbidden)
            .as("common." + pkg + " (tier " + tier + ") uses lower tiers only")
            .allowEmptyShould(true));
      }
    }
    return CompositeArchRule.of(rules).as("common's packages use lower tiers only");
  }

  /** Matcher code never reaches java.util.regex, neither by name nor through String's regex methods. */
  ArchRule matchersAreLinearTime() {
    String[] packages = MATCHER_PACKAGES.stream().map(this::tree).toArray(String[]::new);
    return noClasses().that().resideInAnyPackage(packages)
        .should().dependOnClassesThat().resideInAPackage("java.util.regex..")
        .orShould().callMethod(String.class, "matches", String.class)
        .orShould().callMethod(String.class, "replaceAll", String.class, String.class)
        .orShould().callMethod(String.class, "replaceFirst", String.class, String.class)
        .as("label-matcher code uses RE2/J, never java.util.regex")
        .allowEmptyShould(true);
  }

  /**
   * No global mutable state: every static field is final, and none is of a mutable collection,
   * atomic, concurrent, random, thread-local or meter-registry type. (Private constant arrays are
   * allowed: lookup tables that nothing writes.)
   */
  ArchRule noMutableStatics() {
    ArchRule allFinal = fields().that().areStatic().and().areDeclaredInClassesThat(notGenerated())
        .should().beFinal()
        .allowEmptyShould(true);
    DescribedPredicate<JavaClass> mutable = resideInAPackage("java.util.concurrent..");
    for (Class<?> type : MUTABLE_TYPES) {
      mutable = mutable.or(assignableTo(type));
    }
    ArchRule noMutableTypes = noFields().that().areStatic().and().areDeclaredInClassesThat(notGenerated())
        .should().haveRawType(mutable.as("a mutable type"))
        .allowEmptyShould(true);
    return CompositeArchRule.of(allFinal).and(noMutableTypes).as("no mutable static state");
  }

  /** The components in front of storage do not reach Parquet, a cloud SDK, the block format or the buckets. */
  ArchRule leanComponentsStayLean() {
    List<String> banned = new ArrayList<>(List.of(HEAVY_LIBRARIES));
    banned.add(tree("storage"));
    banned.add(tree("objstore"));
    String[] packages = LEAN_COMPONENTS.stream().map(this::tree).toArray(String[]::new);
    return noClasses().that().resideInAnyPackage(packages)
        .should().dependOnClassesThat().resideInAnyPackage(banned.toArray(String[]::new))
        .as("distributor, querier, query-frontend and query-scheduler use no Parquet, cloud SDK or storage")
        .allowEmptyShould(true);
  }

  /** Every rule, by name, for the tests. */
  Map<String, ArchRule> all() {
    return Map.of("componentsAreIndependent", componentsAreIndependent(), "modulesAreLayered", modulesAreLayered(),
        "commonIsTiered", commonIsTiered(), "matchersAreLinearTime", matchersAreLinearTime(),
        "noMutableStatics", noMutableStatics(), "leanComponentsStayLean", leanComponentsStayLean());
  }

  private ArchRule layer(String module, List<String> above) {
    return noClasses().that().resideInAPackage(tree(module))
        .should().dependOnClassesThat().resideInAnyPackage(above.stream().map(this::tree).toArray(String[]::new))
        .as(module + " does not import " + above)
        .allowEmptyShould(true);
  }

  /** Generated protobuf code keeps a lazily built descriptor in a non-final static; it is not ours to shape. */
  private DescribedPredicate<JavaClass> notGenerated() {
    return resideInAPackage(root + ".api..").negate().as("not generated");
  }

  private String tree(String relative) {
    return root + "." + relative + "..";
  }
}
