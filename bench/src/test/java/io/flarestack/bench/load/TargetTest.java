package io.flarestack.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.bench.fleet.Fleet;
import io.flarestack.bench.fleet.Kind;
import io.flarestack.bench.fleet.Planned;
import io.flarestack.bench.fleet.Upload;
import io.flarestack.bench.fleet.Workload;
import io.flarestack.distributor.ingest.AppName;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TargetTest {
  private static final long T = 1_767_261_600_000_000_000L; // 2026-01-01T10:00:00Z

  private static Upload upload(Kind kind) {
    Fleet f = new Fleet(Workload.W_S, 1);
    TreeMap<String, String> labels = f.labels(f.pods().get(37), T, 9);
    return new Upload(new Planned(9, f.pods().get(37), kind, T), labels, kind == Kind.GO_HEAP ? "memory" : "process_cpu",
        "gospy", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}, 100, 15_000_000_000L);
  }

  @Test
  void pushCarriesNameLabelsAndTheBytesAndMarksHeapAsDelta() {
    Upload u = upload(Kind.GO_HEAP);
    PushRequest p = Target.pushRequest(u, 1);
    Map<String, String> labels = new TreeMap<>();
    for (LabelPair l : p.getSeries(0).getLabelsList()) {
      labels.put(l.getName(), l.getValue());
    }
    Map<String, String> expected = new TreeMap<>(u.labels());
    expected.put("__name__", "memory");
    expected.put("__delta__", "false");
    assertThat(labels).isEqualTo(expected);
    assertThat(p.getSeries(0).getSamples(0).getRawProfile().toByteArray()).isEqualTo(u.body());
    assertThat(Target.pushRequest(u, 1).getSeries(0).getSamples(0).getID())
        .isEqualTo(p.getSeries(0).getSamples(0).getID()).hasSize(36);
  }

  @Test
  void ingestNameIsTheServiceWithTheOtherLabelsAsTheServerParsesIt() {
    Upload u = upload(Kind.GO_CPU);
    String q = Target.ingestQuery(u);
    assertThat(q).contains("&from=1767261600&until=1767261615&format=pprof&spyName=gospy");
    String name = URLDecoder.decode(q.substring(5, q.indexOf('&')), StandardCharsets.UTF_8);
    AppName parsed = AppName.parse(name);
    assertThat(parsed.name()).isEqualTo("svc-7");
    Map<String, String> expected = new TreeMap<>(u.labels());
    expected.remove("service_name");
    assertThat(new TreeMap<>(parsed.ingestionLabels())).isEqualTo(expected);
    assertThat(Target.ingestQuery(upload(Kind.JAVA_JFR))).contains("format=jfr");
  }

  @Test
  void jfrMultipartHasOneFilePartNamedJfr() {
    byte[] body = Target.multipart("b0undary", "jfr", new byte[] {1, 2, 3});
    String s = new String(body, StandardCharsets.ISO_8859_1);
    assertThat(s).startsWith("--b0undary\r\nContent-Disposition: form-data; name=\"jfr\"; filename=\"jfr\"\r\n")
        .endsWith("\r\n--b0undary--\r\n");
    var parts = io.flarestack.distributor.ingest.Multipart.parse(body, "multipart/form-data; boundary=b0undary");
    assertThat(io.flarestack.distributor.ingest.Multipart.file(parts, "jfr").data()).containsExactly(1, 2, 3);
  }
}
