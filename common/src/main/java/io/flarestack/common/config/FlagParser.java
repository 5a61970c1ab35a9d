package io.flarestack.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses command-line flags the way Go's flag package does: {@code -name=value},
 * {@code --name=value}, {@code -name value}, and a bare {@code -name} for booleans (which never
 * consume the next argument). Problems are collected rather than thrown. Stateless.
 */
final class FlagParser {
  private FlagParser() {}

  /**
   * The value of every flag on the command line, by option; a flag given twice is combined with
   * {@link ValueType#combine} (the last wins, lists append).
   */
  static Map<Option<?>, Object> parse(List<String> args, OptionIndex index, List<String> problems) {
    Map<Option<?>, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        for (int j = i + 1; j < args.size(); j++) {
          problems.add("unexpected argument " + ValueTypes.quote(args.get(j)) + ": only flags are accepted");
        }
        break;
      }
      if (arg.length() < 2 || arg.charAt(0) != '-') {
        problems.add("unexpected argument " + ValueTypes.quote(arg)
            + ": only flags are accepted (a boolean flag takes its value as -name=false)");
        continue;
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      if (body.isEmpty() || body.startsWith("-") || body.startsWith("=")) {
        problems.add("bad flag syntax: " + arg);
        continue;
      }
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      String value = eq < 0 ? null : body.substring(eq + 1);
      Option<?> option = index.byFlag(name);
      if (option == null) {
        String suggestion = Suggestions.closest(name, index.flags());
        problems.add("unknown flag -" + name + (suggestion == null ? "" : " (did you mean -" + suggestion + "?)"));
        // Assume "-unknown value": swallowing the value avoids a second, misleading problem.
        if (value == null && i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
          i++;
        }
        continue;
      }
      if (value == null) {
        if (option.type() == ValueTypes.BOOLEAN) {
          value = "true";
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          problems.add("flag needs an argument: -" + name + " expects a " + option.type().name());
          continue;
        }
      }
      convert(option, value, values, problems);
    }
    return values;
  }

  private static <T> void convert(Option<T> option, String text, Map<Option<?>, Object> values, List<String> problems) {
    T parsed;
    try {
      parsed = option.type().parse(text);
    } catch (IllegalArgumentException e) {
      problems.add("invalid value for flag -" + option.flag() + ": " + Problems.detail(e, text, option));
      return;
    }
    @SuppressWarnings("unchecked")
    T earlier = (T) values.get(option);
    values.put(option, earlier == null ? parsed : option.type().combine(earlier, parsed));
  }
}
