package io.flarestack.server.status;

import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.errors.FlarestackException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Form fields of a POST: the urlencoded body, then the query string. */
final class Forms {
  private Forms() {}

  /**
   * The first value of {@code field}, or null.
   *
   * @throws FlarestackException invalid_argument when the body is not valid urlencoded text
   */
  static String value(HttpRequest request, String field) {
    String type = request.header("content-type");
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      String body = new String(request.body(), StandardCharsets.UTF_8);
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), field);
        if (name.equals(field)) {
          return eq < 0 ? "" : decode(pair.substring(eq + 1), field);
        }
      }
    }
    return request.param(field);
  }

  private static String decode(String s, String field) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw FlarestackException.invalidArgument("the form body is not valid urlencoded text (looking for field \"%s\"): %s",
          field, e.getMessage());
    }
  }
}
