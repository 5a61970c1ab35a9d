package io.flarestack.common.config;

/** Wording shared by the loader's problem messages. Stateless. */
final class Problems {
  private Problems() {}

  /**
   * What a value type said about a bad value, making sure the message names the value (custom
   * types may not) and never prints a secret.
   */
  static String detail(IllegalArgumentException e, String text, Option<?> option) {
    String message = e.getMessage() != null ? e.getMessage() : "expected a " + option.type().name();
    if (option.secret()) {
      return text.isEmpty() ? message : message.replace(text, ConfigYaml.MASK);
    }
    if (!message.contains(ValueTypes.quote(text))) {
      message += " (got " + ValueTypes.quote(text) + ")";
    }
    return message;
  }
}
