package io.flarestack.common.config;

/**
 * How one kind of configuration value is read from a flag or YAML scalar, and written back
 * for {@code /config}. Implementations are immutable.
 *
 * @param <T> the Java type of the value
 */
public interface ValueType<T> {
  /** A short name for help output and error messages, e.g. {@code duration}. */
  String name();

  /**
   * Parses the text form used by flags and YAML scalars.
   *
   * @throws IllegalArgumentException with a message naming what was expected
   */
  T parse(String text);

  /**
   * Reads a value from parsed YAML (a String, Number, Boolean, List or Map). The default reads
   * scalars through {@link #parse(String)}.
   */
  default T fromYaml(Object node) {
    if (node instanceof java.util.Map || node instanceof java.util.List) {
      throw new IllegalArgumentException("expected a " + name() + ", got a " + (node instanceof java.util.Map ? "mapping" : "list"));
    }
    return parse(String.valueOf(node));
  }

  /** The value as YAML-compatible Java data (String, Number, Boolean or List) for {@code /config}. */
  Object toYaml(T value);

  /**
   * The type word {@code -help} prints after the flag name, as Go's flag package does
   * ({@code int}, {@code duration}, {@code string}); empty for booleans, whose flags take no value.
   */
  default String helpName() {
    return name();
  }

  /**
   * The value of a flag given more than once on the command line: by default the last one wins;
   * list types append, so {@code -memberlist.join=a -memberlist.join=b} joins both.
   */
  default T combine(T earlier, T later) {
    return later;
  }
}
