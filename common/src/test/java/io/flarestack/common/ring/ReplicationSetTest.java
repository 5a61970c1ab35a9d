package io.flarestack.common.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplicationSetTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void returnsOnceAQuorumSucceededWithoutWaitingForTheSlowReplica() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ReplicationSet set = new ReplicationSet(instances("a", "b", "c"), 1);

    List<String> results = set.doUntilQuorum(pool, i -> {
      if (i.getId().equals("c")) {
        await(release); // stuck until the test ends: the quorum must not need it
      }
      return i.getId();
    });
    release.countDown();

    assertThat(results).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void toleratesUpToMaxErrorsFailures() {
    ReplicationSet set = new ReplicationSet(instances("a", "b", "c"), 1);

    List<String> results = set.doUntilQuorum(pool, i -> {
      if (i.getId().equals("b")) {
        throw new FlarestackException(ErrorCode.UNAVAILABLE, "b is down");
      }
      return i.getId();
    });

    assertThat(results).containsExactlyInAnyOrder("a", "c");
  }

  @Test
  void failsWithTheCallersCodeOnceTooManyCallsFailed() {
    ReplicationSet set = new ReplicationSet(instances("a", "b", "c"), 1);
    List<String> called = Collections.synchronizedList(new ArrayList<>());

    assertThatThrownBy(() -> set.doUntilQuorum(Runnable::run, i -> {
      called.add(i.getId());
      if (!i.getId().equals("c")) {
        throw FlarestackException.invalidArgument("profile from %s rejected", i.getId());
      }
      return i.getId();
    })).isInstanceOfSatisfying(FlarestackException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e).hasMessage("profile from b rejected");
      assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("profile from a rejected");
    });
    // Every replica is still called: a write must reach all of them, not only a quorum.
    assertThat(called).containsExactly("a", "b", "c");
  }

  @Test
  void noneMayFailWhenMaxErrorsIsZero() {
    ReplicationSet set = new ReplicationSet(instances("a", "b"), 0);

    assertThatThrownBy(() -> set.doUntilQuorum(pool, i -> {
      if (i.getId().equals("b")) {
        throw new IllegalStateException("boom");
      }
      return 1;
    })).isInstanceOfSatisfying(FlarestackException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL))
        .hasMessage("boom");
  }

  @Test
  void nullResultsAreAllowed() {
    ReplicationSet set = new ReplicationSet(instances("a"), 0);

    assertThat(set.<Void>doUntilQuorum(pool, i -> null)).containsExactly((Void) null);
  }

  @Test
  void emptySetNeedsNothing() {
    assertThat(new ReplicationSet(List.of(), 0).doUntilQuorum(pool, i -> 1)).isEmpty();
  }

  @Test
  void rejectsMaxErrorsThatLeaveNoSuccessNeeded() {
    assertThatThrownBy(() -> new ReplicationSet(instances("a", "b"), 2)).isInstanceOf(IllegalArgumentException.class);
  }

  private static List<InstanceDesc> instances(String... ids) {
    List<InstanceDesc> out = new ArrayList<>();
    for (String id : ids) {
      out.add(InstanceDesc.newBuilder().setId(id).setAddr(id + ":9095").build());
    }
    return out;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
