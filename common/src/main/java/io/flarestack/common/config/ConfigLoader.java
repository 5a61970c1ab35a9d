package io.flarestack.common.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the configuration with Pyroscope's conventions: option defaults, then the YAML file named
 * by {@code -config.file}, then command-line flags. With {@code -config.expand-env=true} the file
 * text is expanded from the environment first ({@code ${VAR}}, {@code ${VAR:-default}},
 * {@code $VAR}; {@code $$} is a literal {@code $}).
 *
 * <p>Flags follow Go's flag package: {@code -name=value}, {@code --name=value},
 * {@code -name value}, and a bare {@code -name} sets a boolean to true. A list flag given
 * several times appends. YAML leaves are matched by their dotted path; {@code key:} with no
 * value keeps the default. Every problem (unknown key or flag, wrong type, missing flag value,
 * unreadable or malformed file) is collected and reported together. Stateless and thread-safe.
 */
public final class ConfigLoader {
  /** {@code -config.file}: the YAML file to load; empty for none. Built in; need not be declared. */
  public static final Option<String> CONFIG_FILE = Option.string(null, "config.file", "", "Configuration file to load.");

  /** {@code -config.expand-env}: expand environment variables in the file. Built in. */
  public static final Option<Boolean> CONFIG_EXPAND_ENV = Option.bool(null, "config.expand-env", false,
      "Expands ${var} or $var in config according to the values of the environment variables.");

  /** The loader's own flags, added to every option list it is given. */
  public static final List<Option<?>> BUILTIN_OPTIONS = List.of(CONFIG_FILE, CONFIG_EXPAND_ENV);

  private ConfigLoader() {}

  /**
   * Loads the effective configuration.
   *
   * @param options every declared option; the built-in {@link #BUILTIN_OPTIONS} are added
   * @param args the command-line arguments (flags only)
   * @param env the environment used by {@code -config.expand-env}
   * @return a value for every declared and built-in option
   * @throws ConfigException listing every problem found
   * @throws IllegalArgumentException when two options share a flag or YAML path (a programming error)
   */
  public static ConfigValues load(List<Option<?>> options, List<String> args, Map<String, String> env)
      throws ConfigException {
    return load(options, args, env, values -> List.of());
  }

  /**
   * Loads the effective configuration and validates it with {@code validate}, which sees every
   * value that parsed (values that did not parse keep their defaults), so problems of both kinds
   * (a misspelt key and, say, an unknown module name) are reported together.
   *
   * @throws ConfigException listing every problem found by the loader and by {@code validate}
   */
  public static ConfigValues load(List<Option<?>> options, List<String> args, Map<String, String> env,
      java.util.function.Function<ConfigValues, List<String>> validate) throws ConfigException {
    requireNonNull(options, "options is null");
    requireNonNull(validate, "validate is null");
    requireNonNull(args, "args is null");
    requireNonNull(env, "env is null");
    OptionIndex index = OptionIndex.withBuiltins(options);
    List<String> problems = new ArrayList<>();

    Map<Option<?>, Object> flags = FlagParser.parse(args, index, problems);
    Map<Option<?>, Object> values = new HashMap<>();
    for (Option<?> o : index.options()) {
      values.put(o, o.defaultValue());
    }
    String file = (String) flags.getOrDefault(CONFIG_FILE, CONFIG_FILE.defaultValue());
    boolean expandEnv = (Boolean) flags.getOrDefault(CONFIG_EXPAND_ENV, CONFIG_EXPAND_ENV.defaultValue());
    Map<Option<?>, Object> fromFile = new HashMap<>();
    if (file != null && !file.isEmpty()) {
      YamlConfigFile.apply(file, expandEnv, env, index, fromFile, problems);
    }
    values.putAll(fromFile);
    values.putAll(flags);
    Set<Option<?>> set = new HashSet<>(fromFile.keySet());
    set.addAll(flags.keySet());

    ConfigValues result = new ConfigValues(values, set);
    problems.addAll(validate.apply(result));
    ConfigException.throwIfAny(problems);
    return result;
  }
}
