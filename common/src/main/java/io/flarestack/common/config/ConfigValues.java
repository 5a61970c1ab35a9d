package io.flarestack.common.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effective value of every declared option after defaults, YAML and flags were applied, and
 * which options the YAML file or a flag set. Immutable and thread-safe.
 */
public final class ConfigValues {
  private final Map<Option<?>, Object> values;
  private final Set<Option<?>> explicitlySet;

  /** Values of which none counts as set by the user (all defaults or programmatic). */
  public ConfigValues(Map<Option<?>, Object> values) {
    this(values, Set.of());
  }

  /**
   * @param values every declared option with its value
   * @param set the options the YAML file or a flag gave a value (even one equal to the default)
   */
  public ConfigValues(Map<Option<?>, Object> values, Set<Option<?>> set) {
    this.values = new HashMap<>(requireNonNull(values, "values is null"));
    this.explicitlySet = Set.copyOf(requireNonNull(set, "set is null"));
  }

  /**
   * The value of an option; its default when it was declared but not set.
   *
   * @throws IllegalArgumentException when the option was not declared to the loader
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    if (!values.containsKey(option)) {
      throw new IllegalArgumentException("option " + option.describe() + " was not declared");
    }
    return (T) values.get(option);
  }

  /** A copy with one value replaced, for tests and programmatic overrides; the option counts as set. */
  public <T> ConfigValues with(Option<T> option, T value) {
    Map<Option<?>, Object> copy = new HashMap<>(values);
    copy.put(option, value);
    Set<Option<?>> setCopy = new HashSet<>(explicitlySet);
    setCopy.add(option);
    return new ConfigValues(copy, setCopy);
  }

  /** Whether the YAML file or a flag gave this option a value (false when it has its default by omission). */
  public boolean isSet(Option<?> option) {
    return explicitlySet.contains(option);
  }

  /**
   * The options that were set although they have no effect yet ({@link Option#hasEffect()} false),
   * sorted by how they are described, so start-up can warn about each.
   */
  public List<Option<?>> setWithoutEffect() {
    List<Option<?>> inert = new ArrayList<>();
    for (Option<?> o : explicitlySet) {
      if (!o.hasEffect()) {
        inert.add(o);
      }
    }
    inert.sort(Comparator.comparing(Option::describe));
    return inert;
  }

  /** Every declared option with its value. */
  public Map<Option<?>, Object> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** Equal when every option has an equal value, however the values were set. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigValues other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
