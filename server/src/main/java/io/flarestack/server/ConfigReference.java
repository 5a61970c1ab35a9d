package io.flarestack.server;

import io.flarestack.common.config.ConfigLoader;
import io.flarestack.common.config.Option;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders {@code docs/configuration.md} from the declared options, so the reference cannot drift
 * from the code (a test compares the two).
 */
public final class ConfigReference {
  private ConfigReference() {}

  public static String markdown(List<Option<?>> declared) {
    List<Option<?>> options = new ArrayList<>(ConfigLoader.BUILTIN_OPTIONS);
    options.addAll(declared);
    Map<String, List<Option<?>>> byBlock = new TreeMap<>();
    for (Option<?> o : options) {
      String block = o.yamlPath() == null ? "(flags only)"
          : o.yamlPath().contains(".") ? o.yamlPath().substring(0, o.yamlPath().indexOf('.')) : "(top level)";
      byBlock.computeIfAbsent(block, k -> new ArrayList<>()).add(o);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Configuration reference\n\n")
        .append("Generated from the code by `ConfigReference` (`./mvnw -pl server -am verify -Ddocs.update=true` rewrites it;\n")
        .append("a test fails when it is stale). Every setting has a YAML key (in the file given by `-config.file`) and/or a\n")
        .append("flag; flags win over the file, the file over the defaults. Keys and flags follow Pyroscope's names.\n")
        .append("Durations are Go-style (`15s`, `1h30m`); sizes take units (`4MiB`, `256MB`); lists are YAML sequences or\n")
        .append("comma-separated. With `-config.expand-env=true`, `${VAR}` and `${VAR:-default}` in the file are replaced\n")
        .append("from the environment. Unknown keys and bad values are errors, all reported together.\n")
        .append("\n")
        .append("Settings marked **accepted for compatibility; no effect yet** are read and validated only so that\n")
        .append("Pyroscope configuration files load unchanged: nothing uses them until the component they belong to\n")
        .append("exists. The server logs a warning at start for each of them that is set.\n");
    for (Map.Entry<String, List<Option<?>>> e : byBlock.entrySet()) {
      sb.append("\n## ").append(e.getKey().startsWith("(") ? e.getKey() : "`" + e.getKey() + "`").append("\n\n");
      sb.append("| YAML key | flag | type | default | description |\n|---|---|---|---|---|\n");
      List<Option<?>> list = new ArrayList<>(e.getValue());
      list.sort(Comparator.comparing(o -> o.yamlPath() != null ? o.yamlPath() : o.flag()));
      for (Option<?> o : list) {
        sb.append("| ").append(o.yamlPath() == null ? "" : "`" + o.yamlPath() + "`")
            .append(" | ").append(o.flag() == null ? "" : "`-" + o.flag() + "`")
            .append(" | ").append(o.type().name())
            .append(" | ").append(defaultText(o))
            .append(" | ").append(description(o)).append(" |\n");
      }
    }
    return sb.toString();
  }

  private static String description(Option<?> o) {
    String help = o.help().replace("|", "\\|");
    if (o.hasEffect()) {
      return help;
    }
    String note = o.noEffectNote().replace("|", "\\|");
    return "**" + Character.toUpperCase(note.charAt(0)) + note.substring(1) + ".** " + help;
  }

  private static <T> String defaultText(Option<T> o) {
    if (o.secret()) {
      return "";
    }
    T v = o.defaultValue();
    if (v == null) {
      return "";
    }
    Object yaml = o.type().toYaml(v);
    String text = yaml instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(yaml);
    return text.isEmpty() ? "\"\"" : "`" + text + "`";
  }
}
