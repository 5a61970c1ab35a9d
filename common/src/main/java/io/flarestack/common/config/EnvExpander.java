package io.flarestack.common.config;

import java.util.List;
import java.util.Map;

/**
 * Environment substitution in config file text, as {@code -config.expand-env=true} does in
 * Pyroscope (drone/envsubst): {@code ${VAR}}, {@code $VAR}, and {@code ${VAR:-default}} (the
 * default applies when VAR is unset or empty). Undefined variables become empty strings and
 * {@code $$} is a literal {@code $}. A {@code $} followed by anything else is kept as is.
 * Stateless.
 */
final class EnvExpander {
  private EnvExpander() {}

  static String expand(String text, Map<String, String> env, String fileName, List<String> problems) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = text.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '{') {
        int close = text.indexOf('}', i + 2);
        if (close < 0) {
          problems.add("config file " + ValueTypes.quote(fileName) + ": unterminated ${ at line " + lineOf(text, i)
              + " (write $$ for a literal $)");
          return text;
        }
        out.append(substitute(text.substring(i + 2, close), env));
        i = close + 1;
      } else if (isNameStart(next)) {
        int end = i + 1;
        while (end < text.length() && isNamePart(text.charAt(end))) {
          end++;
        }
        out.append(env.getOrDefault(text.substring(i + 1, end), ""));
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String substitute(String expression, Map<String, String> env) {
    int sep = expression.indexOf(":-");
    if (sep < 0) {
      return env.getOrDefault(expression.trim(), "");
    }
    String value = env.get(expression.substring(0, sep).trim());
    return value == null || value.isEmpty() ? expression.substring(sep + 2) : value;
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
