package io.flarestack.server.status;

import java.nio.charset.StandardCharsets;

/** The little HTML the status pages share: escaping and the page frame. Stateless. */
final class Html {
  static final String CONTENT_TYPE = "text/html; charset=utf-8";

  private static final String STYLE = "body{font-family:sans-serif;margin:1em 2em}"
      + "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}"
      + "th{background:#eee}tr.unhealthy td{background:#fdd}td.num{text-align:right}"
      + "form{margin:0}.tokens{font-family:monospace;word-break:break-all}";

  private Html() {}

  /**
   * Escapes text for HTML element content and double- or single-quoted attribute values. Every
   * value that comes from the KV store or the request goes through here: instance ids, addresses
   * and zones are written by whoever can reach the KV store.
   */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Opens a page: doctype, head with {@code title} (escaped here) and the shared style, body. */
  static StringBuilder start(String title) {
    return new StringBuilder(4096)
        .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title><style>").append(STYLE).append("</style></head>\n<body>\n<h1>")
        .append(escape(title)).append("</h1>\n");
  }

  static byte[] finish(StringBuilder page) {
    return page.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
  }
}
