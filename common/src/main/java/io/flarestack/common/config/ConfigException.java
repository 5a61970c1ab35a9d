package io.flarestack.common.config;

import java.util.List;

/** Every problem found in a configuration, reported together. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  /**
   * Throws when there is at least one problem: the composition root merges the loader's
   * problems with every component config's {@code validate()} and reports them together.
   */
  public static void throwIfAny(List<String> problems) throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
