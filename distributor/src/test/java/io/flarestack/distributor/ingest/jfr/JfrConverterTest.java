package io.flarestack.distributor.ingest.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.jfr.v1.LabelsSnapshot;
import io.flarestack.common.model.pprof.Collapsed;
import io.flarestack.common.model.pprof.PprofReader;
import io.flarestack.common.testing.JfrGoldenFile;
import io.flarestack.common.testing.SharedTestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The converter alone against Pyroscope's expected pprofs (testdata/expected/jfr-pprof): each
 * expected file's collapsed stacks equal those of the converted profile of that type, restricted
 * to the samples whose labels match the file's selector. The query path is covered by the
 * server's golden test.
 */
class JfrConverterTest {
  @TempDir
  Path tmp;

  static Stream<String> expectedFiles() {
    return JfrGoldenFile.names().stream();
  }

  @ParameterizedTest
  @MethodSource("expectedFiles")
  void convertedProfileHasTheExpectedStacks(String expectedFile) throws IOException {
    JfrGoldenFile golden = JfrGoldenFile.parse(expectedFile);
    String input = golden.input();
    String typeId = golden.typeId();
    String thread = golden.thread();
    assertThat(thread).as("selector hash of %s", expectedFile).isNotNull();

    JfrConverter.Result result = convert(input);
    assertThat(result.jfrEvent()).isNotEmpty();
    Profile expected = PprofReader.parse(golden.bytes(), 64 << 20);

    List<String> actual = null;
    for (JfrConverter.NamedProfile p : result.profiles()) {
      for (int i = 0; i < p.profile().getSampleTypeCount(); i++) {
        if (typeId(p, i).equals(typeId)) {
          assertThat(actual).as("two profiles of type %s", typeId).isNull();
          actual = Collapsed.collapsed(withThread(p.profile(), thread), i);
        }
      }
    }
    assertThat(actual).as("profile type %s among %s", typeId, result.profiles().size()).isNotNull();
    assertThat(actual).containsExactlyElementsOf(Collapsed.collapsed(expected, 0));
  }

  private JfrConverter.Result convert(String input) throws IOException {
    Path jfr = tmp.resolve(input + ".jfr");
    Files.write(jfr, SharedTestData.gunzipIfNeeded(SharedTestData.bytes("jfr/" + input + ".jfr.gz")));
    LabelsSnapshot labels = LabelsSnapshot.getDefaultInstance();
    Path labelsFile = SharedTestData.path("jfr/dump1.jfr.gz").resolveSibling(input + ".labels.pb.gz");
    if (Files.exists(labelsFile)) {
      labels = LabelsSnapshot.parseFrom(SharedTestData.gunzipIfNeeded(Files.readAllBytes(labelsFile)));
    }
    return JfrConverter.convert(jfr, labels, 100, 1_000_000_000L, 11_000_000_000L);
  }

  private static String typeId(JfrConverter.NamedProfile p, int index) {
    Profile pr = p.profile();
    List<String> s = pr.getStringTableList();
    return String.join("_", p.metricName(), s.get((int) pr.getSampleType(index).getType()),
        s.get((int) pr.getSampleType(index).getUnit()), s.get((int) pr.getPeriodType().getType()),
        s.get((int) pr.getPeriodType().getUnit()));
  }

  /** The profile with only the samples labelled thread_name=thread (all for ""). */
  private static Profile withThread(Profile p, String thread) {
    if (thread.isEmpty()) {
      return p;
    }
    List<Sample> kept = new ArrayList<>();
    for (Sample s : p.getSampleList()) {
      for (Label l : s.getLabelList()) {
        if (p.getStringTable((int) l.getKey()).equals("thread_name") && p.getStringTable((int) l.getStr()).equals(thread)) {
          kept.add(s);
        }
      }
    }
    return p.toBuilder().clearSample().addAllSample(kept).build();
  }
}
