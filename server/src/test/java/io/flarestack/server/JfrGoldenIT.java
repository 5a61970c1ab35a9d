package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.model.pprof.Collapsed;
import io.flarestack.common.model.pprof.PprofReader;
import io.flarestack.common.testing.JfrGoldenFile;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pyroscope's JFR ingestion test against a whole Flarestack: every recording of
 * testdata/jfr is uploaded as pyroscope-java uploads it, then every expected file of
 * testdata/expected/jfr-pprof is compared with what SelectMergeProfile answers for the selector
 * its name encodes ({@code service_name} plus the thread of the README's hash table), by
 * collapsed stacks, line by line.
 */
class JfrGoldenIT {
  private static TestServer server;
  private static long startMillis;

  @BeforeAll
  static void ingestEveryRecording() throws Exception {
    server = TestServer.start();
    startMillis = System.currentTimeMillis() - 60_000;
    long until = System.currentTimeMillis() / 1000;
    try (Stream<Path> files = Files.list(SharedTestData.root().resolve("jfr"))) {
      for (Path jfr : files.filter(p -> p.getFileName().toString().endsWith(".jfr.gz")).sorted().toList()) {
        String app = app(jfr.getFileName().toString());
        Path labels = jfr.resolveSibling(app + ".labels.pb.gz");
        byte[] body = Multiparts.files("jfr", Files.readAllBytes(jfr),
            "labels", Files.exists(labels) ? Files.readAllBytes(labels) : null);
        HttpResponse<byte[]> r = server.post("/ingest?name=" + app + "&spyName=javaspy&format=jfr&from=" + (until - 10)
            + "&until=" + until, Multiparts.CONTENT_TYPE, body);
        assertThat(r.statusCode()).as("%s: %s", app, TestServer.text(r)).isEqualTo(200);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static List<String> expectedFiles() {
    return JfrGoldenFile.names();
  }

  @ParameterizedTest
  @MethodSource("expectedFiles")
  void selectMergeProfileEqualsPyroscopesExpectation(String file) {
    JfrGoldenFile golden = JfrGoldenFile.parse(file);
    String app = golden.input();
    String thread = golden.thread();
    assertThat(thread).as("selector hash of %s", file).isNotNull();
    String selector = "{service_name=\"" + app + "\"" + (thread.isEmpty() ? "" : ", thread_name=\"" + thread + "\"") + "}";
    Profile expected = PprofReader.parse(golden.bytes(), 64 << 20);

    Profile actual = JfrQueries.selectMergeProfile(server, profileType(golden.typeId(), expected), selector,
        startMillis, System.currentTimeMillis() + 60_000);

    assertThat(actual.getSampleTypeCount()).isEqualTo(1);
    List<String> want = Collapsed.collapsed(expected, 0);
    assertThat(want).isNotEmpty();
    assertThat(Collapsed.collapsed(actual, 0)).containsExactlyElementsOf(want);
  }

  @Test
  void corruptedRecordingIs422AndStoresNothing() throws Exception {
    byte[] jfr = SharedTestData.gunzipIfNeeded(SharedTestData.bytes("jfr/cortex-dev-01__kafka-0__cpu__0.jfr.gz"));
    jfr[0] = 0;

    HttpResponse<byte[]> r = server.post("/ingest?name=corrupted&spyName=javaspy&format=jfr", Multiparts.CONTENT_TYPE,
        Multiparts.files("jfr", jfr));

    assertThat(r.statusCode()).as(TestServer.text(r)).isEqualTo(422);
    assertThat(TestServer.text(r)).contains("cannot be read");
    Profile stored = JfrQueries.selectMergeProfile(server, "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
        "{service_name=\"corrupted\"}", startMillis, System.currentTimeMillis() + 60_000);
    assertThat(stored.getSampleCount()).isZero();
  }

  private static String app(String file) {
    return file.substring(0, file.indexOf(".jfr.gz"));
  }

  /**
   * The profile type id of a file name part such as {@code memory_alloc_in_new_tlab_bytes_bytes_space_bytes}:
   * the expected profile itself gives type, unit and period, the name's first part the profile name.
   */
  private static String profileType(String underscored, Profile expected) {
    String type = expected.getStringTable((int) expected.getSampleType(0).getType());
    String unit = expected.getStringTable((int) expected.getSampleType(0).getUnit());
    String periodType = expected.getStringTable((int) expected.getPeriodType().getType());
    String periodUnit = expected.getStringTable((int) expected.getPeriodType().getUnit());
    String suffix = "_" + type + "_" + unit + "_" + periodType + "_" + periodUnit;
    assertThat(underscored).endsWith(suffix);
    return underscored.substring(0, underscored.length() - suffix.length()) + ":" + type + ":" + unit + ":" + periodType
        + ":" + periodUnit;
  }
}
