package io.flarestack.distributor.ingest.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.config.ConfigLoader;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.limits.Limits;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.distributor.testing.HttpRequests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads that must be refused with a 4xx that says why, leaving nothing stored, no spill file
 * behind, and the next good upload unaffected.
 */
class JfrBadInputTest {
  private static final String QUERY = "name=bad.app&spyName=javaspy&format=jfr";
  private static final byte[] CPU0_GZ = SharedTestData.bytes("jfr/cortex-dev-01__kafka-0__cpu__0.jfr.gz");

  @TempDir
  Path spill;
  private JfrFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private void assertRefused(HttpResponse r, int status, String... messageParts) {
    assertThat(r.status()).as(JfrFixture.text(r)).isEqualTo(status);
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(JfrFixture.text(r)).contains(messageParts);
    assertThat(f.writer.writes()).isEmpty();
    assertThat(f.spilled()).isEmpty();
    // nothing else lost: the same handler still takes a good upload
    assertThat(f.postJfr(QUERY, CPU0_GZ, null).status()).isEqualTo(200);
    assertThat(f.total("process_cpu", "cpu", l -> true)).isEqualTo(4_780_000_000L);
  }

  @Test
  void corruptedRecordingIs422AsInPyroscope() throws Exception {
    f = new JfrFixture(spill);
    byte[] jfr = SharedTestData.gunzipIfNeeded(CPU0_GZ);
    jfr[0] = 0; // Pyroscope's TestCorruptedJFR422: first byte zeroed, sent uncompressed

    assertRefused(f.postJfr(QUERY, jfr, null), 422, "JFR recording", "cannot be read");
  }

  @Test
  void corruptedBareBodyIs422() throws Exception {
    f = new JfrFixture(spill);
    byte[] jfr = SharedTestData.gunzipIfNeeded(CPU0_GZ);
    byte[] truncated = Arrays.copyOf(jfr, jfr.length / 2);

    assertRefused(f.post(QUERY, truncated), 422, "cannot be read");
  }

  @Test
  void recordingOverTheConfiguredLimitIs413NamingIt() throws Exception {
    f = new JfrFixture(spill, new JfrConfig("", 400_000), Limits.defaults());

    assertRefused(f.postJfr(QUERY, SharedTestData.bytes("jfr/dump2.jfr.gz"), null), 413,
        "too large", "400000 bytes", "-distributor.jfr-max-size-bytes");
  }

  @Test
  void uncompressedRecordingOverTheDerivedLimitIs413NamingIt() throws Exception {
    // 8 x max_profile_size_bytes = 8 x 90000: dump2 (785138 bytes raw) does not fit, cpu__0 (149 kB) does
    Limits small = Limits.from(ConfigLoader.load(Limits.options(), List.of("-validation.max-profile-size-bytes=90000"),
        Map.of()));
    f = new JfrFixture(spill, JfrConfig.defaults(), small);

    byte[] raw = SharedTestData.gunzipIfNeeded(SharedTestData.bytes("jfr/dump2.jfr.gz"));
    assertRefused(f.post(QUERY, raw), 413, raw.length + " bytes", "720000 bytes",
        "-validation.max-profile-size-bytes");
  }

  @Test
  void gzipBombStopsAtTheLimit() throws Exception {
    f = new JfrFixture(spill, new JfrConfig("", 1 << 20), Limits.defaults());
    byte[] bomb = SharedTestData.gzip(new byte[64 << 20]);
    assertThat(bomb.length).isLessThan(1 << 20);

    assertRefused(f.postJfr(QUERY, bomb, null), 413, "more than 1048576 bytes decompressed");
  }

  @Test
  void multipartWithoutAJfrFilePartIs422() throws Exception {
    f = new JfrFixture(spill);
    byte[] body = HttpRequests.multipart(JfrFixture.BOUNDARY, new Object[] {"jfr", null, CPU0_GZ},
        new Object[] {"labels", "labels", SharedTestData.bytes("jfr/dump1.labels.pb.gz")});

    assertRefused(f.post(QUERY, body, "Content-Type", JfrFixture.MULTIPART), 422,
        "no file part named \\\"jfr\\\"", "jfr (not a file), labels (file)");
  }

  @Test
  void garbageLabelsPartIs422() throws Exception {
    f = new JfrFixture(spill);
    byte[] garbage = "this is not a protobuf \u00ff\u00fe".getBytes(StandardCharsets.UTF_8);

    assertRefused(f.postJfr(QUERY, CPU0_GZ, garbage), 422, "labels part is not a LabelsSnapshot");
  }

  @Test
  void labelsPartThatIsBrokenGzipIs422() throws Exception {
    f = new JfrFixture(spill);
    byte[] labels = SharedTestData.bytes("jfr/dump1.labels.pb.gz");
    byte[] broken = Arrays.copyOf(labels, labels.length / 2);

    assertRefused(f.postJfr(QUERY, CPU0_GZ, broken), 422, "labels part is not valid gzip");
  }

  @Test
  void jfrPartThatIsBrokenGzipIs422() throws Exception {
    f = new JfrFixture(spill);

    assertRefused(f.postJfr(QUERY, Arrays.copyOf(CPU0_GZ, 1000), null), 422, "not valid gzip");
  }
}
