package io.flarestack.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code -config.file} YAML into option values: a leaf at dotted path P sets the option
 * whose YAML path is P; a null leaf ({@code key:} with nothing) keeps the default. Unknown keys,
 * wrong types, a non-mapping document and an unreadable file are problems, all collected.
 * Stateless.
 */
final class YamlConfigFile {
  // Duplicate keys are errors, as in Go's yaml decoder: silently keeping one of them hides mistakes.
  private static final YAMLMapper MAPPER = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private YamlConfigFile() {}

  static void apply(String fileName, boolean expandEnv, Map<String, String> env, OptionIndex index,
      Map<Option<?>, Object> values, List<String> problems) {
    String prefix = "config file " + ValueTypes.quote(fileName);
    String text;
    try {
      text = Files.readString(Path.of(fileName));
    } catch (NoSuchFileException e) {
      problems.add("cannot read " + prefix + ": no such file");
      return;
    } catch (AccessDeniedException e) {
      problems.add("cannot read " + prefix + ": permission denied");
      return;
    } catch (CharacterCodingException e) {
      problems.add("cannot read " + prefix + ": not valid UTF-8 text");
      return;
    } catch (IOException | RuntimeException e) {
      problems.add("cannot read " + prefix + ": " + e);
      return;
    }
    if (expandEnv) {
      int before = problems.size();
      text = EnvExpander.expand(text, env, fileName, problems);
      if (problems.size() > before) {
        return;
      }
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      problems.add(prefix + " is not valid YAML" + where + ": " + e.getOriginalMessage());
      return;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return; // an empty file sets nothing
    }
    if (!root.isObject()) {
      problems.add(prefix + ": the document must be a mapping of keys to values, got " + describe(root));
      return;
    }
    walk(prefix, "", root, index, values, problems);
  }

  private static void walk(String prefix, String path, JsonNode mapping, OptionIndex index,
      Map<Option<?>, Object> values, List<String> problems) {
    for (Map.Entry<String, JsonNode> field : mapping.properties()) {
      String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      JsonNode node = field.getValue();
      Option<?> option = index.byYamlPath(key);
      if (option != null) {
        if (!node.isNull()) {
          set(prefix, key, option, node, values, problems);
        }
      } else if (index.isYamlPrefix(key)) {
        if (node.isObject()) {
          walk(prefix, key, node, index, values, problems);
        } else if (!node.isNull()) {
          problems.add(prefix + ": key " + key + " must be a mapping of keys to values, got " + describe(node));
        }
      } else {
        String suggestion = Suggestions.closest(key, index.yamlKeys());
        problems.add(prefix + ": unknown key " + key
            + (suggestion == null ? "" : " (did you mean " + suggestion + "?)"));
      }
    }
  }

  private static <T> void set(String prefix, String key, Option<T> option, JsonNode node,
      Map<Option<?>, Object> values, List<String> problems) {
    Object plain = toPlain(node);
    try {
      values.put(option, option.type().fromYaml(plain));
    } catch (IllegalArgumentException e) {
      problems.add(prefix + ": invalid value for " + key + ": " + Problems.detail(e, String.valueOf(plain), option));
    }
  }

  /** YAML node to the plain Java data {@link ValueType#fromYaml} reads. */
  private static Object toPlain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toPlain(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toPlain(n)));
      return list;
    }
    if (node.isNumber()) {
      return node.numberValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isNull()) {
      return null;
    }
    return node.asText();
  }

  private static String describe(JsonNode node) {
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    return ValueTypes.quote(node.asText());
  }
}
