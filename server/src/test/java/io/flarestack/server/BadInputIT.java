package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input gets the contract's 4xx with a message naming what is wrong; the server keeps
 * serving and data accepted before stays queryable with the same totals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

  private TestServer server;
  private long now;
  private Profile java;
  private long javaTotal;

  @BeforeAll
  void pushGoodData() throws Exception {
    server = TestServer.start();
    now = System.currentTimeMillis();
    java = PprofFacts.withTime(SharedTestData.pprof("java/cpu.pb.gz"), (now - 60_000) * 1_000_000L);
    javaTotal = PprofFacts.total(java, 0);
    HttpResponse<byte[]> r = push(pushRequest("process_cpu", "good", java.toByteArray()));
    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(200);
    assertThat(acceptedTotal()).isEqualTo(javaTotal);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void truncatedPprof() throws Exception {
    byte[] gz = SharedTestData.gzip(java.toByteArray());
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    assertRejected(push(pushRequest("process_cpu", "bad", truncated)), 400, "invalid_argument", "invalid pprof");
    assertRejected(ingest("format=pprof", truncated), 422, null, "invalid pprof");
    byte[] rawTruncated = Arrays.copyOf(java.toByteArray(), java.toByteArray().length - 7);
    assertRejected(push(pushRequest("process_cpu", "bad", rawTruncated)), 400, "invalid_argument", "invalid pprof");
  }

  @Test
  void garbagePprof() throws Exception {
    byte[] garbage = "this is not a profile at all, just text that happens to be here".getBytes(StandardCharsets.UTF_8);
    assertRejected(push(pushRequest("process_cpu", "bad", garbage)), 400, "invalid_argument", "invalid pprof");
    assertRejected(ingest("format=pprof", garbage), 422, null, "invalid pprof");
  }

  @Test
  void gzipStreamExpandingPastTheSizeLimit() throws Exception {
    byte[] bomb = SharedTestData.gzip(new byte[64 << 20]); // 64 MiB of zeros in ~64 KiB; the limit is 4 MiB
    assertThat(bomb.length).isLessThan(200_000);
    HttpResponse<byte[]> r = push(pushRequest("process_cpu", "bad", bomb));
    assertRejected(r, 400, "invalid_argument", "max_profile_size_bytes");
    assertThat(TestServer.text(r)).contains(String.valueOf(4 << 20));
    assertRejected(ingest("format=pprof", bomb), 422, null, "max_profile_size_bytes");
  }

  @Test
  void invalidUtf8() throws Exception {
    byte[] bytes = SharedTestData.bytes("pprof/og-convert-pprof/invalid_utf8.pb.gz");
    assertRejected(push(pushRequest("process_cpu", "bad", bytes)), 400, "invalid_argument", "UTF-8");
    assertRejected(ingest("format=pprof", bytes), 422, null, "UTF-8");
  }

  @Test
  void pushWithoutMetricName() throws Exception {
    PushRequest noName = PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue("bad"))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(java.toByteArray())))).build();
    assertRejected(push(noName), 400, "invalid_argument", "__name__");
  }

  @Test
  void unknownFormat() throws Exception {
    HttpResponse<byte[]> r = ingest("format=xml", "main;work 1\n".getBytes(StandardCharsets.UTF_8));
    assertRejected(r, 400, "invalid_argument", "xml");
    assertThat(TestServer.text(r)).contains("pprof");
  }

  @Test
  void badSelector() throws Exception {
    HttpResponse<byte[]> r = server.post("/querier.v1.QuerierService/SelectMergeStacktraces", "application/proto",
        SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector("{service_name=~\"(\"}")
            .setStart(now - 3_600_000).setEnd(now).build().toByteArray());
    assertRejected(r, 400, "invalid_argument", "selector");
    HttpResponse<byte[]> unterminated = server.post("/querier.v1.QuerierService/LabelNames", "application/json",
        "{\"matchers\":[\"{service_name=\\\"x\"]}".getBytes(StandardCharsets.UTF_8));
    assertRejected(unterminated, 400, "invalid_argument", "selector");
  }

  @Test
  void fromAfterUntil() throws Exception {
    HttpResponse<byte[]> r = server.post("/querier.v1.QuerierService/SelectMergeStacktraces", "application/json",
        ("{\"profileTypeID\":\"" + CPU + "\",\"labelSelector\":\"{}\",\"start\":\"" + now + "\",\"end\":\"" + (now - 1000)
            + "\"}").getBytes(StandardCharsets.UTF_8));
    assertRejected(r, 400, "invalid_argument", "after end");
    String query = URLEncoder.encode(CPU + "{}", StandardCharsets.UTF_8);
    assertRejected(server.get("/pyroscope/render?query=" + query + "&from=now&until=now-1h"), 400, "invalid_argument",
        "from");
  }

  /** The server answers the contract's status and keeps serving; earlier data is intact. */
  private void assertRejected(HttpResponse<byte[]> r, int status, String code, String messagePart) throws Exception {
    String body = TestServer.text(r);
    assertThat(r.statusCode()).as(body).isEqualTo(status);
    assertThat(body).contains("\"message\":").contains(messagePart);
    if (code != null) {
      assertThat(body).contains("\"code\":\"" + code + "\"");
    }
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
    assertThat(acceptedTotal()).as("data accepted before the bad input").isEqualTo(javaTotal);
  }

  private long acceptedTotal() throws Exception {
    return server.connect("/querier.v1.QuerierService/SelectMergeStacktraces",
        SelectMergeStacktracesRequest.newBuilder().setProfileTypeID(CPU).setLabelSelector("{service_name=\"good\"}")
            .setStart(now - 3_600_000).setEnd(now + 60_000).build(),
        SelectMergeStacktracesResponse.parser()).getFlamegraph().getTotal();
  }

  private PushRequest pushRequest(String name, String service, byte[] raw) {
    return PushRequest.newBuilder().addSeries(RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue(name))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(raw)))).build();
  }

  private HttpResponse<byte[]> push(PushRequest request) throws Exception {
    return server.post("/push.v1.PusherService/Push", "application/proto", request.toByteArray());
  }

  private HttpResponse<byte[]> ingest(String query, byte[] body) throws Exception {
    return server.post("/ingest?name=bad&" + query, "application/octet-stream", body);
  }
}
