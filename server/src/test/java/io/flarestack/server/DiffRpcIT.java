package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.FlameGraphDiff;
import io.flarestack.api.querier.v1.QuerierServiceGrpc;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.FunctionStats;
import io.flarestack.server.testing.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void diffsTwoTimeRangesOverGrpcAndConnect() throws Exception {
    long now = System.currentTimeMillis();
    long half = Duration.ofMinutes(30).toMillis();
    Profile before = SharedTestData.pprof("go/cpu.pb.gz");
    Profile after = SharedTestData.pprof("go/cpu-after.pb.gz");
    push(before, now - Duration.ofMinutes(45).toMillis());
    push(after, now - Duration.ofMinutes(15).toMillis());
    Map<String, Long> leftSelf = FunctionStats.selfByFunction(before, PprofFacts.sampleType(before, "cpu", "nanoseconds"));
    Map<String, Long> rightSelf = FunctionStats.selfByFunction(after, PprofFacts.sampleType(after, "cpu", "nanoseconds"));
    long leftTicks = leftSelf.values().stream().mapToLong(Long::longValue).sum();
    long rightTicks = rightSelf.values().stream().mapToLong(Long::longValue).sum();
    assertThat(leftTicks).isEqualTo(PprofFacts.totals(before).get("cpu")).isPositive();
    assertThat(rightTicks).isEqualTo(PprofFacts.totals(after).get("cpu")).isPositive();

    DiffRequest req = DiffRequest.newBuilder()
        .setLeft(side(now - 2 * half, now - half))
        .setRight(side(now - half, now))
        .build();
    FlameGraphDiff fg = QuerierServiceGrpc.newBlockingStub(server.grpcChannel()).diff(req).getFlamegraph();
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
    assertThat(left).isEqualTo(leftSelf);
    assertThat(right).isEqualTo(rightSelf);

    // The same call as the browser makes it: Connect with JSON, int64 as strings.
    String json = "{\"left\":" + sideJson(now - 2 * half, now - half) + ",\"right\":" + sideJson(now - half, now) + "}";
    HttpResponse<byte[]> r = server.post("/querier.v1.QuerierService/Diff", "application/json", json.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestServer.text(r)).contains("\"leftTicks\":\"" + leftTicks + "\"", "\"rightTicks\":\"" + rightTicks + "\"",
        "\"total\":\"" + (leftTicks + rightTicks) + "\"");
  }

  @Test
  void badSidesAreInvalidArgumentsNamingTheSide() {
    long now = System.currentTimeMillis();
    DiffRequest req = DiffRequest.newBuilder().setLeft(side(now - 1000, now))
        .setRight(side(now - 1000, now).toBuilder().setLabelSelector("{service_name=")).build();
    assertThatThrownBy(() -> QuerierServiceGrpc.newBlockingStub(server.grpcChannel()).diff(req))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("right: ");
        });
    DiffRequest oneSided = DiffRequest.newBuilder().setLeft(side(now - 1000, now)).build();
    assertThatThrownBy(() -> QuerierServiceGrpc.newBlockingStub(server.grpcChannel()).diff(oneSided))
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
    HttpResponse<byte[]> r = server.post("/ingest?format=pprof&name=go-app", "application/octet-stream",
        PprofFacts.withTime(profile, atMillis * 1_000_000L).toByteArray());
    assertThat(r.statusCode()).as("push: %s", TestServer.text(r)).isEqualTo(200);
  }
}
