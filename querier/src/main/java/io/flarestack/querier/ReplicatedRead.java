package io.flarestack.querier;

import io.flarestack.api.ingester.v1.ProfileKeys;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.common.config.Option;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.model.replica.ProfileKeySet;
import io.flarestack.common.model.replica.ReplicaChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A profile read over replicated ingesters (replication factor above 1), counting each profile
 * once although up to RF ingesters, and the blocks each of them uploaded, hold it:
 * <ol>
 *   <li>every server reports the keys of the profiles the selection covers there
 *       ({@code SelectProfileKeys}; a store-gateway reports its blocks' copies once);
 *   <li>the querier assigns each key to one holder ({@link ReplicaChoice}) and asks every server
 *       to read just its share ({@code keep}); a server that is assigned nothing is not asked.
 * </ol>
 * An ingester's failure is tolerated up to the ring's limit (every acknowledged profile reached a
 * quorum, so another answering ingester has it): in the first phase its keys are simply absent;
 * in the second its share is handed to the other holders and read from them. A store-gateway's
 * failure fails the read. Because shares are key lists taken in the first phase, profiles that
 * arrive between the phases are left out, as if the read had happened at the first phase.
 * Stateless.
 */
public final class ReplicatedRead {
  /** Bounds the querier's memory for the keys (about 16 bytes each) and the servers' answers. */
  public static final Option<Integer> MAX_PROFILE_KEYS = Option.integer("querier.max_replicated_profiles",
      "querier.max-replicated-profiles", 5_000_000,
      "With replication factor above 1, the most profiles (copies counted) the servers may report for one read before "
          + "it is rejected with invalid_argument (HTTP 400); narrow the time range or the selector. Flarestack only: "
          + "Pyroscope v1 streams its de-duplication.");

  private ReplicatedRead() {}

  /**
   * One server a read asks.
   *
   * @param name for error messages
   * @param keys asks the server for its keys
   * @param read asks the server to read
   * @param keysRequest the selection for {@code keys} (it can start earlier than the read's when
   *     the read aggregates into steps that reach back)
   * @param readRequest the selection for {@code read}, before its share is added
   * @param mayFail whether the server is a replicated ingester
   */
  record Target<T>(String name, Function<SelectProfilesRequest, ProfileKeys> keys,
      Function<SelectProfilesRequest, T> read, SelectProfilesRequest keysRequest, SelectProfilesRequest readRequest,
      boolean mayFail) {}

  /**
   * Runs the read.
   *
   * @param maxErrors how many of the targets that may fail can fail in all
   * @param maxKeys the most keys (copies counted) the first phase may gather
   * @throws FlarestackException invalid_argument when the first phase gathers more than
   *     {@code maxKeys} keys; a failure of a target that may not fail, the first failure once
   *     more than {@code maxErrors} failed, or unavailable when a failure left profiles that no
   *     answering server holds
   */
  static <T> List<T> run(Fanout fanout, List<Target<T>> targets, int maxErrors, int maxKeys) {
    Failures failures = new Failures(maxErrors);
    List<Supplier<ProfileKeys>> keyTasks = new ArrayList<>(targets.size());
    for (Target<T> t : targets) {
      keyTasks.add(() -> t.keys().apply(t.keysRequest()));
    }
    List<Fanout.Outcome<ProfileKeys>> keys = fanout.each(keyTasks);
    List<ProfileKeySet> held = new ArrayList<>(targets.size());
    long selected = 0;
    for (int i = 0; i < targets.size(); i++) {
      Fanout.Outcome<ProfileKeys> o = keys.get(i);
      if (o.failed()) {
        failures.add(targets.get(i), o.error());
        held.add(null);
        continue;
      }
      selected += o.value().getTimesCount();
      if (selected > maxKeys) {
        throw FlarestackException.invalidArgument("the query selects more than %d profiles across the replicas "
            + "(%s); narrow the time range or the label selector", maxKeys, MAX_PROFILE_KEYS.describe());
      }
      held.add(ProfileKeySet.fromProto(o.value()));
    }
    List<T> out = new ArrayList<>();
    List<ProfileKeySet> orphaned = read(fanout, targets, ReplicaChoice.assign(held, null), failures, held, out);
    // A replica failed between the phases: its share goes to the other holders. Each round
    // that orphans anything spends a tolerated failure, so this ends.
    while (!orphaned.isEmpty()) {
      ProfileKeySet wanted = ReplicaChoice.union(orphaned);
      int missing = ReplicaChoice.missing(held, wanted);
      if (missing > 0) {
        throw new FlarestackException(ErrorCode.UNAVAILABLE, missing + " profiles of the selection were held only by"
            + " ingesters that failed during the read; retry");
      }
      orphaned = read(fanout, targets, ReplicaChoice.assign(held, wanted), failures, held, out);
    }
    return out;
  }

  /**
   * Asks every target with a share to read it, adding the answers to {@code out}; returns the
   * shares of the targets that failed (tolerated), whose keys it also removes from {@code held}.
   */
  private static <T> List<ProfileKeySet> read(Fanout fanout, List<Target<T>> targets, List<ProfileKeySet> shares,
      Failures failures, List<ProfileKeySet> held, List<T> out) {
    List<Integer> asked = new ArrayList<>();
    List<Supplier<T>> tasks = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      ProfileKeySet share = shares.get(i);
      if (share.isEmpty()) {
        continue;
      }
      Target<T> t = targets.get(i);
      SelectProfilesRequest req = t.readRequest().toBuilder().setKeep(share.toProto()).build();
      asked.add(i);
      tasks.add(() -> t.read().apply(req));
    }
    List<Fanout.Outcome<T>> answers = fanout.each(tasks);
    List<ProfileKeySet> orphaned = new ArrayList<>();
    for (int j = 0; j < answers.size(); j++) {
      int i = asked.get(j);
      Fanout.Outcome<T> o = answers.get(j);
      if (o.failed()) {
        failures.add(targets.get(i), o.error());
        orphaned.add(shares.get(i));
        held.set(i, null);
      } else {
        out.add(o.value());
      }
    }
    return orphaned;
  }

  /** Counts tolerated failures; throws for the first one that cannot be tolerated. */
  private static final class Failures {
    private final int maxErrors;
    private int count;

    Failures(int maxErrors) {
      this.maxErrors = maxErrors;
    }

    void add(Target<?> target, FlarestackException error) {
      if (!target.mayFail() || ++count > maxErrors) {
        throw error;
      }
    }
  }
}
