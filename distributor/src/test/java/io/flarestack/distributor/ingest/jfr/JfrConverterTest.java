package io.flarestack.distributor.ingest.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.jfr.v1.LabelsSnapshot;
import io.flarestack.common.model.pprof.Collapsed;
import io.flarestack.common.model.pprof.PprofReader;
import io.flarestack.distributor.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  /** The label-selector hashes of the expected file names (testdata README). */
  static final Map<String, String> THREAD_BY_HASH = Map.of(
      "17241709254077376921", "",
      "2539015855607244867", "pool-2-thread-1",
      "6511396920643364271", "pool-2-thread-2",
      "5571933481434853072", "pool-2-thread-3",
      "10784330302778997279", "pool-2-thread-4",
      "16370823494798218517", "pool-2-thread-5",
      "14685508092873724845", "pool-2-thread-6",
      "15666661103234080825", "pool-2-thread-7",
      "302387572117411911", "pool-2-thread-8");

  @TempDir
  Path tmp;

  static Stream<String> expectedFiles() throws IOException {
    try (Stream<Path> files = Files.list(TestData.path("jfr/dump1.jfr.gz").getParent().resolveSibling("expected/jfr-pprof"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("expectedFiles")
  void convertedProfileHasTheExpectedStacks(String expectedFile) throws IOException {
    String input = expectedFile.substring(0, expectedFile.indexOf(".jfr.gz"));
    String rest = expectedFile.substring(input.length() + ".jfr.gz.".length(), expectedFile.length() - ".pb.gz".length());
    String typeId = rest.substring(0, rest.lastIndexOf('.'));
    String thread = THREAD_BY_HASH.get(rest.substring(rest.lastIndexOf('.') + 1));
    assertThat(thread).as("selector hash of %s", expectedFile).isNotNull();

    JfrConverter.Result result = convert(input);
    assertThat(result.jfrEvent()).isNotEmpty();
    Profile expected = PprofReader.parse(TestData.bytes("expected/jfr-pprof/" + expectedFile), 64 << 20);

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
    Files.write(jfr, TestData.gunzipped(TestData.bytes("jfr/" + input + ".jfr.gz")));
    LabelsSnapshot labels = LabelsSnapshot.getDefaultInstance();
    Path labelsFile = TestData.path("jfr/dump1.jfr.gz").resolveSibling(input + ".labels.pb.gz");
    if (Files.exists(labelsFile)) {
      labels = LabelsSnapshot.parseFrom(TestData.gunzipped(Files.readAllBytes(labelsFile)));
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
