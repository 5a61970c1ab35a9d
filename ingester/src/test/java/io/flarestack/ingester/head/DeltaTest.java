package io.flarestack.ingester.head;

import static io.flarestack.ingester.testing.Requests.series;
import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.model.Labels;
import io.flarestack.ingester.testing.Requests;
import io.flarestack.ingester.testing.TestPprof;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pyroscope's server-side delta for cumulative memory allocation series. */
class DeltaTest {
  private final Head head = new Head(0, new SimpleMeterRegistry());

  private static Profile heap(long ms, long a, long b) {
    return TestPprof.empty().sampleType("alloc_space", "bytes").sampleType("inuse_space", "bytes")
        .periodType("space", "bytes").period(524288).timeMillis(ms)
        .sample(new long[] {a, 1}, null, "main", "a")
        .sample(new long[] {b, 1}, null, "main", "b")
        .build();
  }

  private Map<String, long[]> totalsByType(String tenant) {
    Map<String, long[]> out = new HashMap<>();
    for (Series s : head.find(tenant).series()) {
      SeriesRows rows = s.rows();
      long[] totals = new long[rows.count()];
      for (int i = 0; i < totals.length; i++) {
        totals[i] = rows.row(i).total();
      }
      out.put(s.profileType().sampleType(), totals);
    }
    return out;
  }

  @Test
  void cumulativeAllocationsAreStoredAsDifferences() {
    Labels labels = Labels.of("__name__", "memory", "service_name", "svc");
    head.append("t", Requests.push(series(labels, heap(1000, 100, 10))));
    head.append("t", Requests.push(series(labels, heap(2000, 150, 10))));
    head.append("t", Requests.push(series(labels, heap(3000, 160, 40))));

    Map<String, long[]> totals = totalsByType("t");
    // The first cumulative profile only primes the state; then 50 + 0 and 10 + 30.
    assertThat(totals.get("alloc_space")).containsExactly(50, 40);
    // inuse is a gauge: every profile counts.
    assertThat(totals.get("inuse_space")).containsExactly(2, 2, 2);
    Series alloc = head.find("t").series().stream().filter(Series::cumulative).findFirst().orElseThrow();
    assertThat(alloc.rows().row(0).sampleCount()).isEqualTo(1);
  }

  @Test
  void aDecreaseResetsTheState() {
    Labels labels = Labels.of("__name__", "memory", "service_name", "svc");
    head.append("t", Requests.push(series(labels, heap(1000, 100, 10))));
    head.append("t", Requests.push(series(labels, heap(2000, 50, 10))));
    head.append("t", Requests.push(series(labels, heap(3000, 70, 15))));

    assertThat(totalsByType("t").get("alloc_space")).containsExactly(25);
  }

  @Test
  void deltaFalseStoresValuesAsSent() {
    Labels labels = Labels.of("__name__", "memory", "service_name", "svc", "__delta__", "false");
    head.append("t", Requests.push(series(labels, heap(1000, 100, 10))));
    head.append("t", Requests.push(series(labels, heap(2000, 150, 10))));

    assertThat(totalsByType("t").get("alloc_space")).containsExactly(110, 160);
  }
}
