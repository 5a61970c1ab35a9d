package io.flarestack.common.edge.http;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.io.RequestMemory;
import java.util.List;
import java.util.Map;

/**
 * A fully received HTTP request, decoupled from Netty. Header names are matched
 * case-insensitively. The body is the raw received bytes (no Content-Encoding decoding).
 *
 * @param method upper-case method, e.g. {@code POST}
 * @param path the decoded path without the query string
 * @param query decoded query parameters in order of appearance
 * @param headers header name (lower-case) to values
 * @param body the request body, never null
 * @param memory the heap the request holds, from the server's budget; handlers reserve what they
 *     decode from it (it is also {@link RequestMemory#current()} while they run)
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
    byte[] body, RequestMemory memory) {
  public HttpRequest {
    requireNonNull(method, "method is null");
    requireNonNull(path, "path is null");
    query = Map.copyOf(requireNonNull(query, "query is null"));
    headers = Map.copyOf(requireNonNull(headers, "headers is null"));
    requireNonNull(body, "body is null");
    requireNonNull(memory, "memory is null");
  }

  /** A request outside any memory budget (tests, internal callers). */
  public HttpRequest(String method, String path, Map<String, List<String>> query, Map<String, List<String>> headers,
      byte[] body) {
    this(method, path, query, headers, body, RequestMemory.unbounded());
  }

  /** The first value of a header (case-insensitive name), or null. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Every value of a header (case-insensitive name) in order of appearance, possibly empty. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
  }

  /** The first value of a query parameter, or null. */
  public String param(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** Every value of a query parameter, possibly empty. */
  public List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }
}
