package io.flarestack.querier.api;

import io.flarestack.common.errors.FlarestackException;
import java.util.List;

/** Validation of span selectors: each entry must be exactly 16 hex characters. */
final class SpanSelectors {
  private SpanSelectors() {}

  static void validate(List<String> spanIds) {
    for (String id : spanIds) {
      if (id.length() != 16) {
        throw FlarestackException.invalidArgument("invalid span id %s: expected 16 hex characters, got %d", id, id.length());
      }
      for (int i = 0; i < id.length(); i++) {
        if (Character.digit(id.charAt(i), 16) < 0) {
          throw FlarestackException.invalidArgument("invalid span id %s: %s is not a hex digit", id, id.charAt(i));
        }
      }
    }
  }
}
