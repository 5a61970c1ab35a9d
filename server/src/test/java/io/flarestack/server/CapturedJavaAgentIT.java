package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The requests pyroscope-java 2.9.2 sent (testdata/captured/java-agent-2.9.2), replayed byte for
 * byte over a socket: the recorded query string, the recorded headers in their order (only
 * {@code Host} names this server), and the multipart body in HTTP/1.1 chunks as okhttp sent it.
 * The server's clock is set to the capture time so the recorded {@code from}/{@code until} are
 * inside the ingestion window; the results are then read back through the querier.
 */
class CapturedJavaAgentIT {
  private static final String DIR = "captured/java-agent-2.9.2/";
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final Instant CAPTURED = Instant.ofEpochSecond(1_795_480_300L);

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), CAPTURED)));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void uploadWithDynamicLabelsGivesThePerControllerCpuOfTheRecording() throws IOException {
    assertThat(replay("jfr-cpu-alloc-lock-with-labels")).startsWith("HTTP/1.1 200");

    // testdata README: 411 / 35 / 27 ExecutionSamples of 10 ms by context, 473 in all
    assertThat(cpu("{service_name=\"labeled.app\", controller=\"slow_controller\"}")).isEqualTo(4_110_000_000L);
    assertThat(cpu("{service_name=\"labeled.app\", controller=\"fast_controller\", extra=\"x1\"}")).isEqualTo(350_000_000L);
    assertThat(cpu("{service_name=\"labeled.app\", controller=\"\"}")).isEqualTo(270_000_000L);
    assertThat(cpu("{service_name=\"labeled.app\"}")).isEqualTo(4_730_000_000L);
    assertThat(labelValues("labeled.app", "jfr_event")).containsExactly("cpu");
    assertThat(labelValues("labeled.app", "otel.scope.version")).containsExactly("2.9.2");
  }

  @Test
  void uploadWithStaticLabelsHasCpuAllocationAndMutexProfiles() throws IOException {
    assertThat(replay("jfr-itimer-alloc-lock-static-labels")).startsWith("HTTP/1.1 200");

    assertThat(labelValues("burn.app", "__profile_type__")).contains(CPU,
        "memory:alloc_in_new_tlab_objects:count:space:bytes", "mutex:contentions:count:mutex:count");
    assertThat(labelValues("burn.app", "env")).containsExactly("test");
    assertThat(labelValues("burn.app", "region")).containsExactly("local");
    assertThat(cpu("{service_name=\"burn.app\"}")).isEqualTo(3_350_000_000L); // 335 samples
  }

  @Test
  void uploadOfTheJdkFlightRecorderProfiler() throws IOException {
    assertThat(replay("jfr-jdk-profiler-cpu")).startsWith("HTTP/1.1 200");

    assertThat(cpu("{service_name=\"ver.app\"}")).isEqualTo(3_640_000_000L); // 364 samples
    assertThat(labelValues("ver.app", "jfr_event")).isEmpty();
  }

  /** Sends the captured request and returns the response head. */
  private static String replay(String name) throws IOException {
    JsonNode req = new ObjectMapper().readTree(SharedTestData.bytes(DIR + name + ".request.json"));
    byte[] body = SharedTestData.bytes(DIR + name + ".multipart.body");
    StringBuilder head = new StringBuilder("POST " + req.get("path").asText() + "?" + req.get("raw_query").asText()
        + " HTTP/1.1\r\n");
    for (JsonNode h : req.get("headers")) {
      String value = h.get(0).asText().equalsIgnoreCase("Host") ? "127.0.0.1:" + server.httpPort() : h.get(1).asText();
      head.append(h.get(0).asText()).append(": ").append(value).append("\r\n");
    }
    assertThat(head).contains("Transfer-Encoding: chunked");
    try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      for (int off = 0; off < body.length; off += 8192) {
        int n = Math.min(8192, body.length - off);
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, off, n);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readHead(socket.getInputStream());
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static long cpu(String selector) {
    return PprofFacts.total(JfrQueries.selectMergeProfile(server, CPU, selector, fromMillis(), toMillis()), 0);
  }

  private static List<String> labelValues(String app, String name) {
    return JfrQueries.labelValues(server, name, "{service_name=\"" + app + "\"}", fromMillis(), toMillis());
  }

  private static long fromMillis() {
    return CAPTURED.minus(Duration.ofHours(1)).toEpochMilli();
  }

  private static long toMillis() {
    return CAPTURED.plus(Duration.ofHours(1)).toEpochMilli();
  }
}
