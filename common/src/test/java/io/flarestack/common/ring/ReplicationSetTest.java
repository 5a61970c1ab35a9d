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

  @Test
  void byZoneToleratesAnyNumberOfFailuresInOneZoneAndReturnsTheWholeZonesThatSucceeded() {
    ReplicationSet set = new ReplicationSet(zoned("a1", "a2", "b1", "b2", "c1", "c2"), 0, 1);

    List<String> results = set.doUntilQuorum(pool, i -> {
      if (i.getZone().equals("zone-a")) {
        throw new FlarestackException(ErrorCode.UNAVAILABLE, i.getId() + " is down");
      }
      return i.getId();
    });

    assertThat(results).containsExactlyInAnyOrder("b1", "b2", "c1", "c2");
  }

  @Test
  void byZoneFailsOnceTwoZonesHaveAFailure() {
    ReplicationSet set = new ReplicationSet(zoned("a1", "a2", "b1", "b2", "c1", "c2"), 0, 1);

    assertThatThrownBy(() -> set.doUntilQuorum(Runnable::run, i -> {
      if (i.getId().equals("a2") || i.getId().equals("b1")) {
        throw new FlarestackException(ErrorCode.UNAVAILABLE, i.getId() + " is down");
      }
      return i.getId();
    })).isInstanceOfSatisfying(FlarestackException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(e).hasMessage("b1 is down"); // the failure in the second zone crossed the limit
      assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("a2 is down");
    });
  }

  @Test
  void byZoneReturnsWithoutWaitingForTheSlowZone() {
    CountDownLatch release = new CountDownLatch(1);
    ReplicationSet set = new ReplicationSet(zoned("a1", "a2", "b1", "c1"), 0, 1);

    List<String> results = set.doUntilQuorum(pool, i -> {
      if (i.getId().equals("a2")) {
        await(release); // stuck until the test ends: zones b and c make the quorum
      }
      return i.getId();
    });
    release.countDown();

    // a1 may have succeeded, but zone a is not complete, so its result is not among them.
    assertThat(results).containsExactlyInAnyOrder("b1", "c1");
  }

  @Test
  void byZoneMinSuccessIsTheSmallestZonesButTheToleratedOnes() {
    // Zones of 1, 2 and 3 instances, one may fail: at the least zones a and b succeed, 3 calls.
    assertThat(new ReplicationSet(zoned("a1", "b1", "b2", "c1", "c2", "c3"), 0, 1).minSuccess()).isEqualTo(3);
    assertThat(new ReplicationSet(zoned("a1", "b1", "b2", "c1", "c2", "c3"), 0, 0).minSuccess()).isEqualTo(6);
    assertThat(new ReplicationSet(zoned("a1", "b1", "b2", "c1", "c2", "c3"), 0, 2).minSuccess()).isEqualTo(1);
  }

  @Test
  void rejectsZoneLimitsThatLeaveNoZoneOrMixBothCounts() {
    assertThatThrownBy(() -> new ReplicationSet(zoned("a1", "b1"), 0, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxUnavailableZones 2 out of range for 2 zones");
    assertThatThrownBy(() -> new ReplicationSet(zoned("a1", "a2", "b1", "c1"), 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
  }

  /** Instances whose zone is {@code zone-<first letter of the id>}. */
  private static List<InstanceDesc> zoned(String... ids) {
    List<InstanceDesc> out = new ArrayList<>();
    for (String id : ids) {
      out.add(InstanceDesc.newBuilder().setId(id).setAddr(id + ":9095").setZone("zone-" + id.charAt(0)).build());
    }
    return out;
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
