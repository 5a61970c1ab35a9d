package io.flarestack.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The declared options looked up by flag name and YAML path, plus every YAML path prefix (the
 * mappings the file may contain). Built once per load; immutable.
 */
final class OptionIndex {
  private final List<Option<?>> options;
  private final Map<String, Option<?>> byFlag = new HashMap<>();
  private final Map<String, Option<?>> byYamlPath = new HashMap<>();
  private final Set<String> yamlPrefixes = new HashSet<>();

  private OptionIndex(List<Option<?>> options) {
    this.options = options;
    for (Option<?> o : options) {
      if (o.flag() != null && byFlag.putIfAbsent(o.flag(), o) != null) {
        throw new IllegalArgumentException("flag -" + o.flag() + " is declared twice");
      }
      if (o.yamlPath() != null) {
        if (byYamlPath.putIfAbsent(o.yamlPath(), o) != null) {
          throw new IllegalArgumentException("YAML key " + o.yamlPath() + " is declared twice");
        }
        String path = o.yamlPath();
        for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
          yamlPrefixes.add(path.substring(0, dot));
        }
      }
    }
    for (String prefix : yamlPrefixes) {
      if (byYamlPath.containsKey(prefix)) {
        throw new IllegalArgumentException("YAML key " + prefix + " is both a value and a mapping of other keys");
      }
    }
  }

  /**
   * The declared options plus the loader's built-in flags (unless the caller declared the same
   * constants).
   *
   * @throws IllegalArgumentException when two options share a flag or a YAML path, a programming error
   */
  static OptionIndex withBuiltins(List<Option<?>> declared) {
    Set<Option<?>> all = new LinkedHashSet<>(declared);
    all.addAll(ConfigLoader.BUILTIN_OPTIONS);
    return new OptionIndex(List.copyOf(all));
  }

  List<Option<?>> options() {
    return options;
  }

  Option<?> byFlag(String flag) {
    return byFlag.get(flag);
  }

  Option<?> byYamlPath(String path) {
    return byYamlPath.get(path);
  }

  boolean isYamlPrefix(String path) {
    return yamlPrefixes.contains(path);
  }

  Set<String> flags() {
    return Collections.unmodifiableSet(byFlag.keySet());
  }

  /** Every YAML path and mapping key, for "did you mean" suggestions. */
  List<String> yamlKeys() {
    List<String> keys = new ArrayList<>(byYamlPath.keySet());
    keys.addAll(yamlPrefixes);
    return keys;
  }
}
