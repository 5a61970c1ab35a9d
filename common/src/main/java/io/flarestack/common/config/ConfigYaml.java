package io.flarestack.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The effective configuration as YAML, for {@code /config} and {@code /api/v1/status/config}:
 * nested by YAML path, keys sorted, flag-only options left out, secrets printed as
 * {@value #MASK} when they are not empty. The output loads back into the same values.
 * Stateless and thread-safe.
 */
public final class ConfigYaml {
  /** What a non-empty secret prints as. */
  public static final String MASK = "********";

  // Quote only strings that would read back as another type (numbers, booleans, null).
  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build();

  private ConfigYaml() {}

  /**
   * Renders the values of {@code options}.
   *
   * @throws IllegalArgumentException when {@code values} lacks one of the options
   */
  public static String render(List<Option<?>> options, ConfigValues values) {
    Map<String, Object> root = new TreeMap<>();
    for (Option<?> option : options) {
      if (option.yamlPath() != null) {
        put(root, option.yamlPath(), yamlValue(option, values.get(option)));
      }
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Renders every option's default: the reference for {@code /config?mode=defaults}. */
  public static String renderDefaults(List<Option<?>> options) {
    Map<Option<?>, Object> defaults = new HashMap<>();
    for (Option<?> option : options) {
      defaults.put(option, option.defaultValue());
    }
    return render(options, new ConfigValues(defaults));
  }

  /** The printable form of an option's value: YAML data, or the mask for a non-empty secret. */
  static <T> Object yamlValue(Option<T> option, Object value) {
    if (value == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Object yaml = option.type().toYaml((T) value);
    if (option.secret() && !String.valueOf(yaml).isEmpty()) {
      return MASK;
    }
    return yaml;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, String path, Object value) {
    String[] keys = path.split("\\.");
    Map<String, Object> node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      Object child = node.computeIfAbsent(keys[i], k -> new TreeMap<String, Object>());
      if (!(child instanceof Map)) {
        throw new IllegalArgumentException("YAML key " + path + " is nested under a value");
      }
      node = (Map<String, Object>) child;
    }
    node.put(keys[keys.length - 1], value);
  }
}
