package io.flarestack.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A table of (mostly malformed) requests to send to a running server, and the rule every answer
 * must keep: <b>no 5xx</b> (a 501 is allowed only as {@code unimplemented} with a message saying
 * what is "not implemented"), <b>every non-2xx answer carries a JSON {@code message}</b>, and
 * every request is answered within the timeout. Tests add cases, {@link #run} them, and assert
 * {@link #violations} is empty; the table is plain data, so other route groups (ingest, admin)
 * can be swept the same way. Cases run one after the other. Not thread-safe.
 */
public final class RouteSweep {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  /** One request; {@code body} null for a GET. */
  public record Case(String name, String method, String path, String contentType, byte[] body,
      Map<String, String> headers) {}

  /** What a case got: the status (-1 when no answer came) and the body text or the failure. */
  public record Outcome(Case request, int status, String body) {
    @Override
    public String toString() {
      String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body;
      return request.method() + " " + abbreviate(request.path()) + " [" + request.name() + "] -> " + status + " " + shown;
    }
  }

  private final List<Case> cases = new ArrayList<>();
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final Duration timeout;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** @param timeout how long each request may take before it counts as a violation */
  public RouteSweep(Duration timeout) {
    this.timeout = timeout;
  }

  /** A header sent with every case (e.g. a tenant). */
  public RouteSweep header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public RouteSweep add(Case c) {
    cases.add(c);
    return this;
  }

  public RouteSweep get(String name, String pathAndQuery) {
    return add(new Case(name, "GET", pathAndQuery, null, null, Map.copyOf(headers)));
  }

  public RouteSweep post(String name, String path, String contentType, byte[] body) {
    return add(new Case(name, "POST", path, contentType, body, Map.copyOf(headers)));
  }

  /** A Connect unary call with a JSON body given as text (which may be broken on purpose). */
  public RouteSweep connectJson(String name, String path, String json) {
    return post(name + " (json)", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** A Connect unary call with binary protobuf bytes (which may be random on purpose). */
  public RouteSweep connectProto(String name, String path, byte[] body) {
    return post(name + " (proto)", path, "application/proto", body);
  }

  /** The same message as Connect JSON and as Connect binary protobuf. */
  public RouteSweep connectBoth(String name, String path, Message message) {
    connectProto(name, path, message.toByteArray());
    try {
      return connectJson(name, path, PRINTER.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("cannot print " + name + " as JSON", e);
    }
  }

  public int size() {
    return cases.size();
  }

  /** Sends every case in order and records what came back; a timeout or I/O failure is status -1. */
  public List<Outcome> run(String baseUrl) {
    List<Outcome> out = new ArrayList<>(cases.size());
    for (Case c : cases) {
      out.add(send(baseUrl, c));
    }
    return out;
  }

  private Outcome send(String baseUrl, Case c) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + c.path())).timeout(timeout);
    b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
    if (c.contentType() != null) {
      b.header("Content-Type", c.contentType());
    }
    c.headers().forEach(b::header);
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Outcome(c, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      return new Outcome(c, -1, "no answer within " + timeout);
    } catch (IOException e) {
      return new Outcome(c, -1, "request failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The outcomes that break the rule, one line each; empty when all is well. */
  public static List<String> violations(List<Outcome> outcomes) {
    List<String> bad = new ArrayList<>();
    for (Outcome o : outcomes) {
      String why = violation(o);
      if (why != null) {
        bad.add(why + ": " + o);
      }
    }
    return bad;
  }

  private static String violation(Outcome o) {
    if (o.status() < 0) {
      return "no answer";
    }
    if (o.status() < 300) {
      return null;
    }
    JsonNode body;
    try {
      body = JSON.readTree(o.body());
    } catch (IOException e) {
      return "error without a JSON body";
    }
    JsonNode message = body == null ? null : body.get("message");
    if (message == null || !message.isTextual() || message.asText().isBlank()) {
      return "error without a message";
    }
    if (o.status() == 501) {
      JsonNode code = body.get("code");
      boolean plain = code != null && code.asText().equals("unimplemented") && message.asText().contains("not implemented");
      return plain ? null : "501 that does not say plainly what is not implemented";
    }
    return o.status() >= 500 ? "server error" : null;
  }

  /** How many outcomes had each status, e.g. {@code 200=120, 400=310}, for a test's log. */
  public static String histogram(List<Outcome> outcomes) {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (Outcome o : outcomes) {
      counts.merge(o.status(), 1, Integer::sum);
    }
    StringJoiner j = new StringJoiner(", ");
    counts.forEach((s, n) -> j.add(s + "=" + n));
    return j.toString();
  }

  // Malformed inputs every sweep can reuse.

  /** Bodies that are not JSON objects of the right shape, plus nesting bombs. */
  public static Map<String, String> badJsonBodies() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("truncated object", "{");
    out.put("array", "[]");
    out.put("string", "\"x\"");
    out.put("number", "42");
    out.put("null", "null");
    out.put("garbage", "}{not json");
    out.put("trailing garbage", "{}xyz");
    out.put("wrong type for a string field", "{\"labelSelector\":{\"a\":1}}");
    out.put("wrong type for an int64 field", "{\"start\":\"yesterday\",\"end\":[1]}");
    out.put("int64 overflow", "{\"start\":\"99999999999999999999999\"}");
    out.put("invalid utf-8 escape", "{\"labelSelector\":\"\\ud800\"}");
    out.put("array nesting bomb", "[".repeat(100_000) + "]".repeat(100_000));
    out.put("object nesting bomb", "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000));
    out.put("unknown field nesting bomb", "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    return out;
  }

  /**
   * {@code count} random binary bodies from a seeded generator: pure noise, and noise shaped
   * like protobuf (valid tags of every wire type with random payloads), so decoding goes deep.
   */
  public static List<byte[]> randomProtoBodies(long seed, int count) {
    Random r = new Random(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (i % 3 == 0) {
        byte[] noise = new byte[r.nextInt(200)];
        r.nextBytes(noise);
        out.add(noise);
        continue;
      }
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int fields = 1 + r.nextInt(12);
      for (int f = 0; f < fields; f++) {
        int number = 1 + r.nextInt(12);
        int wire = new int[] {0, 0, 1, 2, 2, 5}[r.nextInt(6)];
        varint(b, ((long) number << 3) | wire);
        switch (wire) {
          case 0 -> varint(b, r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(200) - 50);
          case 1 -> b.writeBytes(randomBytes(r, 8));
          case 5 -> b.writeBytes(randomBytes(r, 4));
          default -> {
            byte[] payload = r.nextInt(4) == 0 ? randomBytes(r, r.nextInt(64))
                : ("{service_name=\"" + r.nextInt(5) + "\"}").getBytes(StandardCharsets.UTF_8);
            varint(b, r.nextInt(20) == 0 ? payload.length + r.nextInt(100) : payload.length); // sometimes lies
            b.writeBytes(payload);
          }
        }
      }
      out.add(b.toByteArray());
    }
    return out;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static void varint(ByteArrayOutputStream b, long v) {
    while ((v & ~0x7fL) != 0) {
      b.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    b.write((int) v);
  }

  /** A query-string value, percent-encoded. */
  public static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
  }
}
