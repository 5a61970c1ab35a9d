package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.DiffResponse;
import io.flarestack.api.querier.v1.FlameGraphDiff;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Diff RPC the web UI's diff page calls, end to end on the real server: two real Go CPU
 * profiles pushed half an hour apart, diffed by time range over gRPC and Connect JSON, checked
 * against totals and per-function self values read straight from the input files.
 */
class DiffRpcIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

  private Flarestack app;
  private ManagedChannel channel;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    FlarestackConfig config = FlarestackConfig.load(List.of("-server.http-listen-port=0", "-server.grpc-listen-port=0"), Map.of());
    app = new Flarestack(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), BuildInfo.load());
    app.start();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", app.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.stop();
    }
  }

  @Test
  void diffsTwoTimeRangesOverGrpcAndConnect() throws Exception {
    long now = System.currentTimeMillis();
    long half = Duration.ofMinutes(30).toMillis();
    Profile before = TestProfiles.profile("pprof/pkg-pprof/go.cpu.labels.pprof");
    Profile after = TestProfiles.profile("captured/go-1.19-runtime-pprof/cpu-with-labels.pb.gz");
    push(before, now - Duration.ofMinutes(45).toMillis());
    push(after, now - Duration.ofMinutes(15).toMillis());
    Map<String, Long> leftSelf = TestProfiles.selfByFunction(before, TestProfiles.valueIndex(before, "cpu", "nanoseconds"));
    Map<String, Long> rightSelf = TestProfiles.selfByFunction(after, TestProfiles.valueIndex(after, "cpu", "nanoseconds"));
    long leftTicks = leftSelf.values().stream().mapToLong(Long::longValue).sum();
    long rightTicks = rightSelf.values().stream().mapToLong(Long::longValue).sum();
    assertThat(leftTicks).isEqualTo(8_730_000_000L); // shared/testdata/README.md
    assertThat(rightTicks).isEqualTo(2_470_000_000L);

    DiffRequest req = DiffRequest.newBuilder()
        .setLeft(side(now - 2 * half, now - half))
        .setRight(side(now - half, now))
        .build();
    FlameGraphDiff fg = QuerierServiceGrpc.newBlockingStub(channel).diff(req).getFlamegraph();
    assertThat(fg.getLeftTicks()).isEqualTo(leftTicks);
    assertThat(fg.getRightTicks()).isEqualTo(rightTicks);
    assertThat(fg.getTotal()).isEqualTo(leftTicks + rightTicks);
    assertThat(fg.getNames(0)).isEqualTo("total");
    assertThat(fg.getLevels(0).getValuesList()).containsExactly(0L, leftTicks, 0L, 0L, rightTicks, 0L, 0L);

    // Self per function on each side, summed over every node of that name.
    Map<String, Long> left = new HashMap<>();
    Map<String, Long> right = new HashMap<>();
    for (int d = 1; d < fg.getLevelsCount(); d++) {
      List<Long> v = fg.getLevels(d).getValuesList();
      assertThat(v.size() % 7).isZero();
      for (int i = 0; i < v.size(); i += 7) {
        String name = fg.getNames(v.get(i + 6).intValue());
        if (v.get(i + 2) > 0) {
          left.merge(name, v.get(i + 2), Long::sum);
        }
        if (v.get(i + 5) > 0) {
          right.merge(name, v.get(i + 5), Long::sum);
        }
      }
    }
    leftSelf.values().removeIf(x -> x == 0);
    rightSelf.values().removeIf(x -> x == 0);
    assertThat(left).isEqualTo(leftSelf);
    assertThat(right).isEqualTo(rightSelf);

    // The same call as the browser makes it: Connect with JSON, int64 as strings.
    String json = "{\"left\":" + sideJson(now - 2 * half, now - half) + ",\"right\":" + sideJson(now - half, now) + "}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort()
        + "/querier.v1.QuerierService/Diff")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"leftTicks\":\"" + leftTicks + "\"", "\"rightTicks\":\"" + rightTicks + "\"",
        "\"total\":\"" + (leftTicks + rightTicks) + "\"");
  }

  @Test
  void badSidesAreInvalidArgumentsNamingTheSide() {
    long now = System.currentTimeMillis();
    DiffRequest req = DiffRequest.newBuilder().setLeft(side(now - 1000, now))
        .setRight(side(now - 1000, now).toBuilder().setLabelSelector("{service_name=")).build();
    assertThatThrownBy(() -> QuerierServiceGrpc.newBlockingStub(channel).diff(req))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("right: ");
        });
    DiffRequest oneSided = DiffRequest.newBuilder().setLeft(side(now - 1000, now)).build();
    assertThatThrownBy(() -> QuerierServiceGrpc.newBlockingStub(channel).diff(oneSided))
        .hasMessageContaining("both a left and a right");
  }

  private static SelectMergeStacktracesRequest side(long start, long end) {
    return SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU)
        .setLabelSelector("{service_name=\"go-app\"}").setStart(start).setEnd(end).setMaxNodes(1 << 20).build();
  }

  private static String sideJson(long start, long end) {
    return "{\"profileTypeID\":\"" + CPU + "\",\"labelSelector\":\"{service_name=\\\"go-app\\\"}\",\"start\":\"" + start
        + "\",\"end\":\"" + end + "\",\"maxNodes\":\"1048576\"}";
  }

  private void push(Profile profile, long atMillis) throws Exception {
    byte[] body = profile.toBuilder().setTimeNanos(atMillis * 1_000_000L).build().toByteArray();
    URI uri = URI.create("http://127.0.0.1:" + app.httpPort() + "/ingest?format=pprof&name="
        + URLEncoder.encode("go-app", StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("push: %s", r.body()).isEqualTo(200);
  }
}
