package io.flarestack.common.config;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;

/**
 * The effective value of every declared option after defaults, YAML and flags were applied.
 * Immutable and thread-safe.
 */
public final class ConfigValues {
  private final Map<Option<?>, Object> values;

  public ConfigValues(Map<Option<?>, Object> values) {
    this.values = new HashMap<>(requireNonNull(values, "values is null"));
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

  /** A copy with one value replaced, for tests and programmatic overrides. */
  public <T> ConfigValues with(Option<T> option, T value) {
    Map<Option<?>, Object> copy = new HashMap<>(values);
    copy.put(option, value);
    return new ConfigValues(copy);
  }

  /** Every declared option with its value. */
  public Map<Option<?>, Object> asMap() {
    return java.util.Collections.unmodifiableMap(values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigValues other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
