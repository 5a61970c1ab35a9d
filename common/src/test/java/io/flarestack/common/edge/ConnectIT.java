package io.flarestack.common.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.querier.v1.ProfileTypesResponse;
import io.flarestack.api.settings.v1.GetSettingsResponse;
import io.flarestack.api.settings.v1.SetSettingsRequest;
import io.flarestack.api.settings.v1.SetSettingsResponse;
import io.flarestack.api.settings.v1.Setting;
import io.flarestack.common.testing.SharedTestData;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Connect protocol on the HTTP port over HTTP/1.1, with the JDK client. */
@Timeout(120)
class ConnectIT {
  private static final String SET = "/settings.v1.SettingsService/Set";
  private static final String GET = "/settings.v1.SettingsService/Get";
  private static final String MERGE = "/querier.v1.QuerierService/SelectMergeStacktraces";
  private static final String PROFILE_TYPES = "/querier.v1.QuerierService/ProfileTypes";

  private static TestServer t;
  private static final Http http = new Http();
  private static final ObjectMapper mapper = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(false);
  }

  @AfterAll
  static void stop() {
    t.querier.release.complete(null);
    t.close();
  }

  @Test
  void protoRequestAndResponseOverHttp11() throws Exception {
    Setting setting = Setting.newBuilder().setName("proto-roundtrip").setValue("{\"a\":1}").setModifiedAt(1700000000123L).build();
    HttpResponse<byte[]> set = http.post(t.uri(SET), "application/proto",
        SetSettingsRequest.newBuilder().setSetting(setting).build().toByteArray());
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(set.headers().firstValue("content-type")).hasValue("application/proto");
    assertThat(set.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
    assertThat(SetSettingsResponse.parseFrom(set.body()).getSetting()).isEqualTo(setting);

    HttpResponse<byte[]> get = http.post(t.uri(GET), "application/proto", new byte[0]); // empty body = empty message
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(GetSettingsResponse.parseFrom(get.body()).getSettingsList()).contains(setting);
  }

  @Test
  void jsonIgnoresUnknownFieldsAcceptsBothNamesAndWritesInt64AsStrings() throws Exception {
    String body = "{\"profile_typeID\":\"process_cpu:cpu:nanoseconds:cpu:nanoseconds\",\"labelSelector\":\"{service_name=\\\"a\\\"}\","
        + "\"start\":\"1700000000000\",\"end\":1700000004000,\"max_nodes\":\"16\",\"frameFilter\":{\"x\":[1,2]},"
        + "\"format\":\"PROFILE_FORMAT_FLAMEGRAPH\"}";
    HttpResponse<byte[]> r = http.post(t.uri(MERGE), "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    String text = Http.text(r);
    assertThat(text).doesNotContain("\n").doesNotContain(": ");
    JsonNode fg = mapper.readTree(text).get("flamegraph");
    assertThat(fg.get("total").isTextual()).isTrue();
    assertThat(fg.get("total").asText()).isEqualTo("4000");
    assertThat(fg.get("maxSelf").asText()).isEqualTo("16");
    assertThat(fg.get("names")).extracting(JsonNode::asText)
        .containsExactly("process_cpu:cpu:nanoseconds:cpu:nanoseconds", "{service_name=\"a\"}");
    JsonNode values = fg.get("levels").get(0).get("values");
    assertThat(values.get(0).isTextual()).isTrue();
    assertThat(values).extracting(JsonNode::asText).containsExactly("1700000000000", "1700000004000");

    // The JSON name of max_nodes works as well as the proto name.
    HttpResponse<byte[]> camel = http.post(t.uri(MERGE), "application/json",
        "{\"maxNodes\":7,\"profileTypeID\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    JsonNode fg2 = mapper.readTree(camel.body()).get("flamegraph");
    assertThat(fg2.get("maxSelf").asText()).isEqualTo("7");
    assertThat(fg2.get("names").get(0).asText()).isEqualTo("x");
  }

  @Test
  void jsonOmitsDefaultsAndTreatsAnEmptyBodyAsEmptyMessage() throws Exception {
    HttpResponse<byte[]> r = http.post(t.uri(MERGE), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode fg = mapper.readTree(r.body()).get("flamegraph");
    assertThat(fg.has("total")).isFalse(); // 0 - 0
    assertThat(fg.has("maxSelf")).isFalse();

    HttpResponse<byte[]> empty = http.post(t.uri(PROFILE_TYPES), "application/json", new byte[0]);
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(Http.text(empty)).isEqualTo("{\"profileTypes\":[{\"ID\":\"anonymous\"}]}");

    HttpResponse<byte[]> proto = http.post(t.uri(PROFILE_TYPES), "application/proto", new byte[0]);
    assertThat(ProfileTypesResponse.parseFrom(proto.body()).getProfileTypes(0).getID()).isEqualTo("anonymous");
  }

  @Test
  void gzipRequestBodyAndGzipResponseWhenAccepted() throws Exception {
    for (int i = 0; i < 40; i++) {
      Setting s = Setting.newBuilder().setName("gz-" + i).setValue("value number " + i + " ".repeat(40)).build();
      byte[] raw = SetSettingsRequest.newBuilder().setSetting(s).build().toByteArray();
      HttpResponse<byte[]> set = http.post(t.uri(SET), "application/proto", SharedTestData.gzip(raw), "Content-Encoding", "gzip");
      assertThat(set.statusCode()).isEqualTo(200);
      assertThat(SetSettingsResponse.parseFrom(set.body()).getSetting()).isEqualTo(s);
    }
    HttpResponse<byte[]> plain = http.post(t.uri(GET), "application/proto", new byte[0]);
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    GetSettingsResponse expected = GetSettingsResponse.parseFrom(plain.body());
    assertThat(expected.getSerializedSize()).isGreaterThan(1024);

    HttpResponse<byte[]> gz = http.post(t.uri(GET), "application/proto", new byte[0], "Accept-Encoding", "gzip, deflate");
    assertThat(gz.statusCode()).isEqualTo(200);
    assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gz.body().length).isLessThan(expected.getSerializedSize());
    assertThat(GetSettingsResponse.parseFrom(SharedTestData.gunzip(gz.body()))).isEqualTo(expected);
    assertThat(gz.headers().firstValueAsLong("content-length")).hasValue(gz.body().length);

    HttpResponse<byte[]> refused = http.post(t.uri(GET), "application/proto", new byte[0], "Accept-Encoding", "gzip;q=0");
    assertThat(refused.headers().firstValue("content-encoding")).isEmpty();
  }

  @Test
  void serviceErrorsBecomeConnectJsonErrors() throws Exception {
    HttpResponse<byte[]> invalid = http.post(t.uri(SET), "application/json", "{\"setting\":{\"value\":\"v\"}}".getBytes(StandardCharsets.UTF_8));
    assertError(invalid, 400, "invalid_argument", "setting name is empty");

    HttpResponse<byte[]> unimplemented = http.post(t.uri("/settings.v1.SettingsService/Delete"), "application/proto", new byte[0]);
    assertError(unimplemented, 501, "unimplemented", "settings.v1.SettingsService/Delete");

    HttpResponse<byte[]> unknownMethod = http.post(t.uri("/settings.v1.SettingsService/Nope"), "application/proto", new byte[0]);
    assertError(unknownMethod, 404, "not_found", "/settings.v1.SettingsService/Nope");

    HttpResponse<byte[]> unknownService = http.post(t.uri("/nope.v1.Nope/Get"), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertError(unknownService, 404, "not_found", "/nope.v1.Nope/Get");
  }

  @Test
  void malformedBodiesAreInvalidArgument() throws Exception {
    HttpResponse<byte[]> proto = http.post(t.uri(SET), "application/proto", new byte[] {(byte) 0x0a, (byte) 0xff, 0x01});
    assertError(proto, 400, "invalid_argument", "settings.v1.SetSettingsRequest");

    HttpResponse<byte[]> json = http.post(t.uri(SET), "application/json", "{\"setting\":".getBytes(StandardCharsets.UTF_8));
    assertError(json, 400, "invalid_argument", "JSON");

    HttpResponse<byte[]> notGzip = http.post(t.uri(GET), "application/proto", new byte[] {1, 2, 3}, "Content-Encoding", "gzip");
    assertError(notGzip, 400, "invalid_argument", "not valid gzip");

    HttpResponse<byte[]> brotli = http.post(t.uri(GET), "application/proto", new byte[0], "Content-Encoding", "br");
    assertError(brotli, 400, "invalid_argument", "\"br\"");

    HttpResponse<byte[]> timeout = http.post(t.uri(GET), "application/proto", new byte[0], "Connect-Timeout-Ms", "soon");
    assertError(timeout, 400, "invalid_argument", "Connect-Timeout-Ms");
  }

  @Test
  void onlyPostIsAllowedOnRpcPaths() throws Exception {
    HttpResponse<byte[]> r = http.get(t.uri(GET));
    assertError(r, 405, "unimplemented", "GET");
    assertThat(r.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void unsupportedContentTypesGet415() throws Exception {
    assertError(http.post(t.uri(GET), "text/plain", new byte[0]), 415, "invalid_argument", "text/plain");
    assertError(http.post(t.uri(GET), null, new byte[0]), 415, "invalid_argument", "(none)");
    assertError(http.post(t.uri(GET), "application/json; charset=iso-8859-1", "{}".getBytes(StandardCharsets.UTF_8)),
        415, "invalid_argument", "iso-8859-1");
    assertError(http.post(t.uri(GET), "application/grpc", new byte[5]), 415, "invalid_argument", "HTTP/2");
  }

  @Test
  void connectTimeoutBecomesTheCallDeadline() throws Exception {
    HttpResponse<byte[]> r = http.post(t.uri("/querier.v1.QuerierService/SelectSeries"), "application/json",
        "{}".getBytes(StandardCharsets.UTF_8), "Connect-Timeout-Ms", "200");
    assertError(r, 504, "deadline_exceeded", "");
    // The service's own Context was cancelled by the deadline, as it would be under grpc-java.
    t.querier.slowSawCancellation.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aClientThatHangsUpCancelsTheServiceCall() throws Exception {
    try (TestServer own = TestServer.start(false)) {
      try (RawHttp1 c = new RawHttp1(own.server.httpPort())) {
        c.write("POST /querier.v1.QuerierService/SelectSeries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\n\r\n{}");
        assertThat(own.querier.slowEntered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
      }
      own.querier.slowSawCancellation.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void grpcHealthIsServedOverConnect() throws Exception {
    HttpResponse<byte[]> all = http.post(t.uri("/grpc.health.v1.Health/Check"), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(Http.text(all)).isEqualTo("{\"status\":\"SERVING\"}");
    HttpResponse<byte[]> one = http.post(t.uri("/grpc.health.v1.Health/Check"), "application/json",
        "{\"service\":\"settings.v1.SettingsService\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(Http.text(one)).isEqualTo("{\"status\":\"SERVING\"}");
    HttpResponse<byte[]> unknown = http.post(t.uri("/grpc.health.v1.Health/Check"), "application/json",
        "{\"service\":\"nope.v1.Nope\"}".getBytes(StandardCharsets.UTF_8));
    assertError(unknown, 404, "not_found", "");
    HttpResponse<byte[]> watch = http.post(t.uri("/grpc.health.v1.Health/Watch"), "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertError(watch, 501, "unimplemented", "Watch");
  }

  static void assertError(HttpResponse<byte[]> r, int status, String code, String messagePart) throws Exception {
    assertThat(r.statusCode()).as(Http.text(r)).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = mapper.readTree(r.body());
    assertThat(body.get("code").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).contains(messagePart);
    assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("code", "message");
  }
}
