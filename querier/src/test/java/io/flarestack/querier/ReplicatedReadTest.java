package io.flarestack.querier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.replica.ProfileKeySet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The querier's two-phase read over stand-in servers: each holds some profiles (a key and a
 * value), answers its keys, and reads the values of the share it is sent. The values are distinct
 * powers of two, so a sum names exactly the profiles counted.
 */
class ReplicatedReadTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Fanout fanout = new Fanout(executor);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /** A server holding profiles {@code (fingerprint 1, time t)} with value {@code 1 << t}. */
  private static final class Server {
    final List<Long> times;
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean failKeys;
    volatile boolean failReads;

    Server(Long... times) {
      this.times = List.of(times);
    }

    ReplicatedRead.Target<Long> target(boolean mayFail) {
      return new ReplicatedRead.Target<>("server", req -> {
        if (failKeys) {
          throw new FlarestackException(ErrorCode.UNAVAILABLE, "keys failed");
        }
        ProfileKeySet.Builder b = new ProfileKeySet.Builder();
        times.forEach(t -> b.add(1, t));
        return b.build().toProto();
      }, req -> {
        reads.incrementAndGet();
        if (failReads) {
          throw new FlarestackException(ErrorCode.UNAVAILABLE, "read failed");
        }
        ProfileKeySet keep = ProfileKeySet.fromProto(req.getKeep());
        long sum = 0;
        for (long t : times) {
          sum += keep.contains(1, t) ? 1L << t : 0;
        }
        return sum;
      }, SelectProfilesRequest.getDefaultInstance(), SelectProfilesRequest.getDefaultInstance(), mayFail);
    }
  }

  private static long sum(List<Long> parts) {
    return parts.stream().mapToLong(Long::longValue).sum();
  }

  private static List<ReplicatedRead.Target<Long>> targets(boolean mayFail, Server... servers) {
    List<ReplicatedRead.Target<Long>> out = new ArrayList<>();
    for (Server s : servers) {
      out.add(s.target(mayFail));
    }
    return out;
  }

  @Test
  void eachProfileCountsOnceAcrossReplicas() {
    Server a = new Server(0L, 1L, 2L);
    Server b = new Server(1L, 2L, 3L);
    Server c = new Server(0L, 2L, 3L);
    assertThat(sum(ReplicatedRead.run(fanout, targets(true, a, b, c), 1, 100))).isEqualTo(0b1111);
  }

  @Test
  void aReplicaFailingInEitherPhaseIsCoveredByTheOthers() {
    Server a = new Server(0L, 1L, 2L);
    Server b = new Server(1L, 2L, 3L);
    Server c = new Server(0L, 2L, 3L);
    a.failKeys = true;
    assertThat(sum(ReplicatedRead.run(fanout, targets(true, a, b, c), 1, 100))).isEqualTo(0b1111);
    a.failKeys = false;
    a.failReads = true;
    assertThat(sum(ReplicatedRead.run(fanout, targets(true, a, b, c), 1, 100))).isEqualTo(0b1111);
    assertThat(a.reads.get()).as("the failing replica was assigned a share").isPositive();
  }

  @Test
  void aFailureBeyondTheToleranceOrLosingTheOnlyCopyFailsTheRead() {
    Server a = new Server(0L, 1L);
    Server b = new Server(1L);
    Server c = new Server(1L);
    a.failReads = true;
    // Profile 0 is only on a: its loss cannot be covered.
    assertThatThrownBy(() -> ReplicatedRead.run(fanout, targets(true, a, b, c), 1, 100))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("1 profiles of the selection were held only by");
    a.failReads = false;
    b.failKeys = true;
    c.failKeys = true;
    assertThatThrownBy(() -> ReplicatedRead.run(fanout, targets(true, a, b, c), 1, 100))
        .isInstanceOf(FlarestackException.class).hasMessageContaining("keys failed");
    // A server that may not fail (a store-gateway) fails the read at once, whatever the tolerance.
    Server gateway = new Server(5L);
    gateway.failReads = true;
    assertThatThrownBy(() -> ReplicatedRead.run(fanout, List.of(new Server(0L).target(true), gateway.target(false)), 1,
        100)).isInstanceOf(FlarestackException.class).hasMessageContaining("read failed");
  }

  @Test
  void tooManyProfilesAreRejectedNamingTheLimit() {
    Server a = new Server(0L, 1L, 2L);
    Server b = new Server(0L, 1L, 2L);
    assertThat(sum(ReplicatedRead.run(fanout, targets(true, a, b), 0, 6))).isEqualTo(0b111);
    assertThatThrownBy(() -> ReplicatedRead.run(fanout, targets(true, a, b), 0, 5))
        .isInstanceOf(FlarestackException.class)
        .satisfies(e -> assertThat(((FlarestackException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("more than 5 profiles").hasMessageContaining("-querier.max-replicated-profiles");
  }
}
