package io.flarestack.common.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The declaration of one configuration setting: where it lives in the YAML file, its
 * command-line flag (Pyroscope's names where they exist), its type, default and help text.
 * Declared as constants next to the component config record that reads it. Immutable.
 *
 * @param yamlPath dotted path in the YAML tree, e.g. {@code server.http_listen_port}; null for
 *     flag-only settings such as {@code config.file}
 * @param flag the flag name without its leading dash, e.g. {@code server.http-listen-port}; null
 *     for YAML-only settings
 * @param type how values are parsed and printed
 * @param defaultValue the value when neither YAML nor a flag sets it (null only for optional settings)
 * @param help one line of help text
 * @param secret whether the value is a credential: {@code /config} and {@code -help} print it
 *     as {@code ********} when it is not empty
 * @param noEffectYet null for an option that acts; otherwise why it has no effect yet (e.g. "the
 *     compactor is not built yet"): the option is accepted, validated and shown, only so that
 *     Pyroscope configuration loads unchanged, until the component that reads it exists. {@code
 *     -help}, {@code docs/configuration.md} and the start-up warning all take their words from
 *     here ({@link #describeHelp()}, {@link #noEffectNote()})
 * @param <T> the value's Java type
 */
public record Option<T>(String yamlPath, String flag, ValueType<T> type, T defaultValue, String help, boolean secret,
    String noEffectYet) {
  public Option {
    if (yamlPath == null && flag == null) {
      throw new IllegalArgumentException("an option needs a YAML path or a flag");
    }
    if (flag != null && (flag.isEmpty() || flag.startsWith("-") || flag.contains("="))) {
      throw new IllegalArgumentException("bad flag name " + '"' + flag + '"' + ": give it without the dash and without '='");
    }
    if (yamlPath != null && (yamlPath.isEmpty() || yamlPath.startsWith(".") || yamlPath.endsWith(".")
        || yamlPath.contains(".."))) {
      throw new IllegalArgumentException("bad YAML path " + '"' + yamlPath + '"');
    }
    requireNonNull(type, "type is null");
    requireNonNull(help, "help is null");
    if (noEffectYet != null && noEffectYet.isBlank()) {
      throw new IllegalArgumentException("an option without effect needs the reason why");
    }
  }

  /** A setting that is not a secret and acts. */
  public Option(String yamlPath, String flag, ValueType<T> type, T defaultValue, String help) {
    this(yamlPath, flag, type, defaultValue, help, false, null);
  }

  /** The same option marked as a credential, e.g. an object-store secret key. */
  public Option<T> asSecret() {
    return new Option<>(yamlPath, flag, type, defaultValue, help, true, noEffectYet);
  }

  /**
   * The same option marked as accepted for compatibility only: nothing reads its value yet.
   *
   * @param reason why it has no effect yet, e.g. "the compactor is not built yet"
   */
  public Option<T> withNoEffectYet(String reason) {
    return new Option<>(yamlPath, flag, type, defaultValue, help, secret, requireNonNull(reason, "reason is null"));
  }

  /** Whether something reads this option's value (false for {@link #withNoEffectYet compatibility-only} ones). */
  public boolean hasEffect() {
    return noEffectYet == null;
  }

  /**
   * {@code accepted for compatibility; no effect yet: <reason>}, or null for an option that acts.
   */
  public String noEffectNote() {
    return noEffectYet == null ? null : "accepted for compatibility; no effect yet: " + noEffectYet;
  }

  /** The help text as {@code -help} and the reference show it: prefixed with the no-effect note when there is one. */
  public String describeHelp() {
    return noEffectYet == null ? help : "[" + noEffectNote() + "] " + help;
  }

  public static Option<String> string(String yamlPath, String flag, String defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.STRING, defaultValue, help);
  }

  public static Option<Integer> integer(String yamlPath, String flag, int defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.INTEGER, defaultValue, help);
  }

  public static Option<Long> longValue(String yamlPath, String flag, long defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.LONG, defaultValue, help);
  }

  public static Option<Double> doubleValue(String yamlPath, String flag, double defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.DOUBLE, defaultValue, help);
  }

  public static Option<Boolean> bool(String yamlPath, String flag, boolean defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.BOOLEAN, defaultValue, help);
  }

  /** A Go-style duration such as {@code 15s}, {@code 1h30m} or {@code 500ms}. */
  public static Option<Duration> duration(String yamlPath, String flag, Duration defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.DURATION, defaultValue, help);
  }

  /** A byte size such as {@code 4194304}, {@code 4MiB} or {@code 256MB}. */
  public static Option<Long> bytes(String yamlPath, String flag, long defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.BYTES, defaultValue, help);
  }

  /** A size held in bytes whose plain number means MiB, for Pyroscope's {@code *_mb} options. */
  public static Option<Long> mebibytes(String yamlPath, String flag, long defaultBytes, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.MEBIBYTES, defaultBytes, help);
  }

  /** A list: a YAML sequence, or a comma-separated flag or YAML string. */
  public static Option<List<String>> stringList(String yamlPath, String flag, List<String> defaultValue, String help) {
    return new Option<>(yamlPath, flag, ValueTypes.STRING_LIST, defaultValue, help);
  }

  /** Where the option is set, for messages: {@code -flag} and/or the YAML path. */
  public String describe() {
    if (flag != null && yamlPath != null) {
      return "-" + flag + " (" + yamlPath + ")";
    }
    return flag != null ? "-" + flag : yamlPath;
  }
}
