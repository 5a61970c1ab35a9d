package io.flarestack.bench.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.querier.v1.DiffRequest;
import io.flarestack.api.querier.v1.SelectMergeProfileRequest;
import io.flarestack.api.querier.v1.SelectMergeStacktracesRequest;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QueriesTest {
  private static final long END = 1_767_261_600_000L;
  private static final long HOUR = 3_600_000L;

  private static Map<String, Query> suite() {
    List<Query> q = Queries.suite("svc-7", "svc-7-abc-def", END);
    return q.stream().collect(Collectors.toMap(Query::id, Function.identity()));
  }

  @Test
  void coversQ1ToQ9OfTheReference() {
    assertThat(suite().keySet()).containsExactlyInAnyOrder("Q1", "Q2", "Q3", "Q4", "Q5", "Q6.1", "Q6.2", "Q6.3",
        "Q6.4", "Q7", "Q8", "Q9.1", "Q9.2");
  }

  @Test
  void flameGraphsOfOneServiceOverOneHourAndOneDayAndOfTheWholeTenant() {
    var q1 = (SelectMergeStacktracesRequest) suite().get("Q1").request();
    var q2 = (SelectMergeStacktracesRequest) suite().get("Q2").request();
    var q3 = (SelectMergeStacktracesRequest) suite().get("Q3").request();
    assertThat(q1.getLabelSelector()).isEqualTo("{service_name=\"svc-7\"}");
    assertThat(q1.getEnd() - q1.getStart()).isEqualTo(HOUR);
    assertThat(q2.getEnd() - q2.getStart()).isEqualTo(24 * HOUR);
    assertThat(q3.getLabelSelector()).isEqualTo("{}");
    assertThat(List.of(q1, q2, q3)).allMatch(r -> r.getMaxNodes() == 8192 && r.getEnd() == END
        && r.getProfileTypeID().equals("process_cpu:cpu:nanoseconds:cpu:nanoseconds"));
    assertThat(suite().get("Q1").path()).isEqualTo("/querier.v1.QuerierService/SelectMergeStacktraces");
  }

  @Test
  void seriesByPodWithTheReferenceSteps() {
    var q4 = (SelectSeriesRequest) suite().get("Q4").request();
    var q5 = (SelectSeriesRequest) suite().get("Q5").request();
    assertThat(q4.getGroupByList()).containsExactly("pod");
    assertThat(q4.getStep()).isEqualTo(15.0);
    assertThat(q4.getEnd() - q4.getStart()).isEqualTo(HOUR);
    assertThat(q5.getStep()).isEqualTo(300.0);
    assertThat(q5.getEnd() - q5.getStart()).isEqualTo(24 * HOUR);
  }

  @Test
  void pprofOfOnePodAndADiffOfTwoHoursADayApart() {
    var q7 = (SelectMergeProfileRequest) suite().get("Q7").request();
    assertThat(q7.getLabelSelector()).isEqualTo("{service_name=\"svc-7\",pod=\"svc-7-abc-def\"}");
    var q8 = (DiffRequest) suite().get("Q8").request();
    assertThat(q8.getRight().getStart() - q8.getLeft().getStart()).isEqualTo(24 * HOUR);
    assertThat(q8.getLeft().getEnd() - q8.getLeft().getStart()).isEqualTo(HOUR);
    assertThat(q8.getRight().getEnd()).isEqualTo(END);
  }
}
