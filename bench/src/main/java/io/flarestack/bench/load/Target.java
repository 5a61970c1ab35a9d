package io.flarestack.bench.load;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.UnsafeByteOperations;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.bench.fleet.Mix;
import io.flarestack.bench.fleet.Upload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A Flarestack (or Pyroscope) HTTP endpoint: pushes uploads through the Connect API
 * ({@code push.v1.PusherService/Push}, binary protobuf) or the legacy {@code /ingest}, and posts
 * Connect query requests. HTTP/1.1 with keep-alive. Thread-safe.
 */
public final class Target {
  /** A finished request: HTTP status (0 when the connection failed), body, latency. */
  public record Result(int status, byte[] body, long nanos, String error) {
    public boolean ok() {
      return status == 200;
    }
  }

  private final URI base;
  private final String tenant;
  private final HttpClient client;
  private final Duration timeout;

  /**
   * @param url base URL, e.g. {@code http://localhost:4040}
   * @param tenant value of {@code X-Scope-OrgID}, or null to send none
   */
  public Target(String url, String tenant, Duration timeout) {
    requireNonNull(url, "url is null");
    this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.tenant = tenant;
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  public URI base() {
    return base;
  }

  /** The Connect Push request of an upload (one series, one sample). */
  public static PushRequest pushRequest(Upload u, long seed) {
    RawProfileSeries.Builder s = RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue(u.metricName()));
    if (u.metricName().equals("memory")) {
      s.addLabels(LabelPair.newBuilder().setName("__delta__").setValue("false"));
    }
    for (Map.Entry<String, String> e : u.labels().entrySet()) {
      s.addLabels(LabelPair.newBuilder().setName(e.getKey()).setValue(e.getValue()));
    }
    long h = Mix.hash(seed, 41, u.planned().seq());
    s.addSamples(RawSample.newBuilder().setRawProfile(UnsafeByteOperations.unsafeWrap(u.body()))
        .setID(new UUID(h, Mix.mix(h)).toString()));
    return PushRequest.newBuilder().addSeries(s).build();
  }

  /** Pushes through {@code /push.v1.PusherService/Push}. */
  public Result push(Upload u, long seed) {
    return post("/push.v1.PusherService/Push", "application/proto", pushRequest(u, seed).toByteArray());
  }

  /** The {@code /ingest} query string of an upload: name with labels, from/until in seconds, format. */
  public static String ingestQuery(Upload u) {
    long from = u.planned().timeNanos() / 1_000_000_000L;
    long until = (u.planned().timeNanos() + u.durationNanos()) / 1_000_000_000L;
    String format = u.planned().kind().jfr() ? "jfr" : "pprof";
    return "name=" + URLEncoder.encode(appName(u), StandardCharsets.UTF_8) + "&from=" + from + "&until=" + until
        + "&format=" + format + "&spyName=" + u.spyName() + "&sampleRate=100";
  }

  /** The {@code /ingest} application name of an upload: {@code service{label=value,...}}. */
  public static String appName(Upload u) {
    StringBuilder name = new StringBuilder(u.labels().get("service_name"));
    name.append('{');
    boolean first = true;
    for (Map.Entry<String, String> e : u.labels().entrySet()) {
      if (e.getKey().equals("service_name")) {
        continue;
      }
      if (!first) {
        name.append(',');
      }
      first = false;
      name.append(e.getKey()).append('=').append(e.getValue());
    }
    name.append('}');
    return name.toString();
  }

  /** Uploads through {@code /ingest}: a pprof as the body, a JFR as the multipart part {@code jfr}. */
  public Result ingest(Upload u) {
    String path = "/ingest?" + ingestQuery(u);
    if (!u.planned().kind().jfr()) {
      return post(path, "application/octet-stream", u.body());
    }
    String boundary = "flarestack-bench-" + Long.toHexString(u.planned().seq());
    return post(path, "multipart/form-data; boundary=" + boundary, multipart(boundary, "jfr", u.body()));
  }

  /** Posts bytes; never throws for HTTP or I/O failures (they come back as status 0 or the code). */
  public Result post(String pathAndQuery, String contentType, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType.startsWith("application/proto") || contentType.startsWith("application/json")) {
      b.header("Connect-Protocol-Version", "1");
    }
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    long start = System.nanoTime();
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Result(r.statusCode(), r.body(), System.nanoTime() - start, null);
    } catch (IOException e) {
      return new Result(0, new byte[0], System.nanoTime() - start, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(0, new byte[0], System.nanoTime() - start, "interrupted");
    }
  }

  /** GETs a path (for {@code /metrics}). */
  public Result get(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET();
    long start = System.nanoTime();
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Result(r.statusCode(), r.body(), System.nanoTime() - start, null);
    } catch (IOException e) {
      return new Result(0, new byte[0], System.nanoTime() - start, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(0, new byte[0], System.nanoTime() - start, "interrupted");
    }
  }

  /** A {@code multipart/form-data} body with one file part. */
  public static byte[] multipart(String boundary, String part, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 256);
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\"" + part
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
