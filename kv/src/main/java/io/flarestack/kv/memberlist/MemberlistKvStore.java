package io.flarestack.kv.memberlist;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.lifecycle.AbstractService;
import io.flarestack.common.ring.kv.KvStore;
import io.flarestack.common.ring.kv.MergeableCodec;
import io.flarestack.common.ring.kv.KeyWatchers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.MERGE3;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code memberlist} ring KV: every node holds every key, and nodes converge by gossiping
 * state-based CRDT values over a JGroups TCP cluster, as dskit's memberlist KV does over
 * hashicorp memberlist. JGroups supplies membership, failure detection and reliable unicast and
 * multicast of bytes; the merge is the key's {@link MergeableCodec}.
 *
 * <ul>
 *   <li>{@link #cas}: read the visible value, run the update, merge its result into the stored
 *       value with {@code localCas=true} (removals become tombstones) under the key's local
 *       version (retried up to {@value #MAX_CAS_RETRIES} times on a concurrent change), notify
 *       watchers, and queue the merge's change, which is multicast to every member at the next
 *       {@code -memberlist.gossip-interval}.
 *   <li>A change received from a peer is merged with {@code localCas=false}; watchers are notified
 *       when it changed something. JGroups' multicast reaches every member, so changes are not
 *       relayed; what a full-state exchange brings in is re-broadcast.
 *   <li>Push/pull: on a view with new members, or a merge view after a partition healed, the full
 *       state is unicast to each new member with a request for theirs; every
 *       {@code -memberlist.pullpush-interval} the same happens with one random member.
 *   <li>Tombstones older than {@code -memberlist.left-ingesters-timeout} are dropped whenever a
 *       value is stored, and by a sweep at every push/pull interval.
 *   <li>{@link #start()} joins the cluster and, when it found members, waits (up to
 *       {@value #JOIN_STATE_TIMEOUT_SECONDS} s) for the first full state before returning, so the
 *       rings that start after this service see the cluster's state. A node whose seeds are not up
 *       yet forms a cluster of its own; JGroups' MERGE3 keeps probing the seeds (every 2–5 s) and
 *       merges the clusters when they appear, and the merge view triggers a push/pull.
 *   <li>Join retries, as dskit's: the join succeeded once this node's view holds a member at an
 *       address {@code -memberlist.join} names (or the list names only this node). Until then it
 *       is attempted again after backoffs from {@code -memberlist.min-join-backoff} doubling to
 *       {@code -memberlist.max-join-backoff}, {@code -memberlist.max-join-retries} attempts in all;
 *       each attempt hurries MERGE3 (checks for other clusters now and announces this one). With
 *       {@code -memberlist.abort-if-join-fails} the attempts run inside {@link #start()}, which
 *       fails when they all failed; without it they run in the background and a failure is logged.
 *       Discovery answers carry every member the answering node knows (TCPPING
 *       {@code return_entire_cache}), so nodes that list only some members still reach the
 *       coordinators of the others: measured with four JVMs started within 1.5 s, each listing
 *       only the first, that took every run to one cluster (in 10–19 s), where before 3 of 5 runs
 *       ended in overlapping views that had not healed after 35 s.
 *   <li>{@link #stop()} sends the queued local changes and leaves the cluster, within
 *       {@code -memberlist.leave-timeout}.
 *   <li>The cluster label is the JGroups cluster name: JGroups drops discovery answers and
 *       messages from another cluster, so nodes with other labels never merge.
 * </ul>
 *
 * <p>Every key needs a codec: {@link #cas} on a key the codec function answers null for throws
 * {@link IllegalArgumentException}; such keys arriving from peers are dropped and counted as invalid.
 *
 * <p>The JGroups stack is TCP + TCPPING (static seeds) and/or DNS_PING ({@code dns+}/{@code dnssrv+}
 * seeds), with MERGE3, FD_SOCK2, FD_ALL3, VERIFY_SUSPECT2, NAKACK2, UNICAST3, STABLE, GMS, MFC/UFC and
 * FRAG2, timed as measured in the project's microservices reference (§2.3). No system property is
 * set: the IP stack follows the bind address JGroups is given.
 *
 * <p>Thread-safe. Watchers are notified on the thread that made or received the change.
 */
public final class MemberlistKvStore extends AbstractService implements KvStore {
  private static final Logger log = LoggerFactory.getLogger(MemberlistKvStore.class);

  /** Attempts of one {@link #cas} before it gives up on concurrent changes (dskit's maxCasRetries). */
  public static final int MAX_CAS_RETRIES = 10;
  static final long JOIN_STATE_TIMEOUT_SECONDS = 10;

  private final MemberlistConfig config;
  private final Function<String, MergeableCodec> codecs;
  private final Clock clock;
  private final MeterRegistry registry;
  private final String nodeName;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final KeyWatchers watchers = new KeyWatchers();
  /** Changes waiting for the next gossip flush, merged per key; guarded by itself. */
  private final Map<String, byte[]> pending = new LinkedHashMap<>();
  private final CompletableFuture<Void> firstState = new CompletableFuture<>();
  private final ConcurrentMap<Address, CompletableFuture<Void>> awaitingState = new ConcurrentHashMap<>();
  private final Object viewLock = new Object();
  private final List<Meter> meters = new ArrayList<>();
  private final Counter casAttempts;
  private final Counter casSuccesses;
  private final Counter casFailures;
  private final Counter receivedBroadcasts;
  private final Counter receivedBroadcastBytes;
  private final Counter invalidBroadcasts;
  private final Counter pushes;
  private final Counter pushBytes;
  private final Counter pulls;
  private final Counter pullBytes;
  private final Counter droppedBroadcasts;
  private Set<Address> knownMembers = Set.of(); // guarded by viewLock
  private volatile List<Address> members = List.of();
  private volatile ScheduledExecutorService executor;
  private volatile JChannel channel;

  /**
   * An entry of the store: the merged value (tombstones included), its local version and when
   * this node last changed it.
   */
  private record Entry(byte[] value, long version, long updatedMillis) {}

  /**
   * A cluster member, for the {@code /memberlist} page.
   *
   * @param name the node name
   * @param address its gossip address, {@code host:port}
   * @param state always {@code Alive}: JGroups' views hold live members only
   */
  public record Member(String name, String address, String state) {}

  /**
   * A key of the store, for the {@code /memberlist} page.
   *
   * @param key the key
   * @param version the local version (grows with each change on this node)
   * @param sizeBytes the stored value's size, tombstones included
   * @param updated when this node last changed it
   */
  public record KeyInfo(String key, long version, int sizeBytes, Instant updated) {}

  /**
   * @param codecs the merge of each key; answers null for keys the store must refuse
   * @param registry where the {@code pyroscope_memberlist_client_*} metrics are registered
   */
  public MemberlistKvStore(MemberlistConfig config, Function<String, MergeableCodec> codecs, Clock clock,
      MeterRegistry registry) {
    super("memberlist-kv");
    this.config = requireNonNull(config, "config is null");
    this.codecs = requireNonNull(codecs, "codecs is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.nodeName = nodeName(config);
    casAttempts = counter("cas.attempt", "Attempted CAS operations");
    casSuccesses = counter("cas.success", "Successful CAS operations");
    casFailures = counter("cas.failure", "Failed CAS operations");
    receivedBroadcasts = counter("received.broadcasts", "Number of received broadcast user messages");
    receivedBroadcastBytes = counter("received.broadcasts.bytes", "Total size of received broadcast user messages");
    invalidBroadcasts = counter("received.broadcasts.invalid",
        "Number of received broadcast user messages that were invalid. Hopefully 0.");
    pushes = counter("state.pushes", "How many times did this node push its full state to another node");
    pushBytes = counter("state.pushes.bytes", "Total size of pushed state");
    pulls = counter("state.pulls", "How many times did this node pull full state from another node");
    pullBytes = counter("state.pulls.bytes", "Total size of pulled state");
    droppedBroadcasts = counter("messages.to.broadcast.dropped",
        "Number of broadcast messages intended to be sent but were dropped");
    meters.add(Gauge.builder("pyroscope.memberlist.client.cluster.members.count", this, s -> s.members.size())
        .description("Number of members in memberlist cluster").register(registry));
    meters.add(Gauge.builder("pyroscope.memberlist.client.kv.store.count", entries, Map::size)
        .description("Number of values in KV Store").register(registry));
    meters.add(Gauge.builder("pyroscope.memberlist.client.messages.in.broadcast.queue", this, MemberlistKvStore::queued)
        .tag("queue", "local").description("Number of user messages in the broadcast queue").register(registry));
  }

  private Counter counter(String name, String help) {
    Counter c = Counter.builder("pyroscope.memberlist.client." + name).description(help).register(registry);
    meters.add(c);
    return c;
  }

  private static String nodeName(MemberlistConfig config) {
    String name = config.nodeName();
    if (name.isEmpty()) {
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        name = "localhost";
      }
    }
    if (config.randomizeNodeName()) {
      name = name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }
    return name;
  }

  /** This node's name in the cluster. */
  public String nodeName() {
    return nodeName;
  }

  @Override
  public byte[] get(String key) {
    requireNonNull(key, "key is null");
    Entry e = entries.get(key);
    return e == null ? null : codec(key).visible(e.value());
  }

  @Override
  public void cas(String key, UnaryOperator<byte[]> update) {
    requireNonNull(key, "key is null");
    requireNonNull(update, "update is null");
    MergeableCodec codec = codec(key);
    for (int attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      casAttempts.increment();
      Entry current = entries.get(key);
      byte[] stored = current == null ? null : current.value();
      byte[] next = update.apply(codec.visible(stored));
      if (next == null) {
        return;
      }
      long now = clock.millis();
      MergeableCodec.Merge merge = codec.merge(stored, next, true, now);
      if (merge == null) {
        casSuccesses.increment();
        return; // the update asked for what is already there
      }
      Entry written = entry(current, codec.expireTombstones(merge.value(), cutoff(now)), now);
      if (swap(key, current, written)) {
        casSuccesses.increment();
        notifyWatchers(key, codec, written);
        enqueue(key, codec, merge.change(), now);
        return;
      }
    }
    casFailures.increment();
    throw new UncheckedIOException(new IOException("memberlist KV: key " + key + " changed concurrently on "
        + MAX_CAS_RETRIES + " attempts in a row"));
  }

  @Override
  public AutoCloseable watch(String key, Consumer<byte[]> listener) {
    requireNonNull(key, "key is null");
    requireNonNull(listener, "listener is null");
    return watchers.add(key, listener, () -> {
      Entry e = entries.get(key);
      return e == null ? new KeyWatchers.Versioned(null, 0) : new KeyWatchers.Versioned(codec(key).visible(e.value()),
          e.version());
    }, null);
  }

  /** The members of the cluster as this node sees them, this node included, sorted by name. */
  public List<Member> members() {
    JChannel ch = channel;
    List<Member> out = new ArrayList<>();
    if (ch == null) {
      return out;
    }
    for (Address a : members) {
      Object physical = ch.down(new Event(Event.GET_PHYSICAL_ADDRESS, a));
      out.add(new Member(String.valueOf(a), physical == null ? "" : physical.toString(), "Alive"));
    }
    out.sort((x, y) -> x.name().compareTo(y.name()));
    return out;
  }

  /** The keys of the store, sorted. */
  public List<KeyInfo> keys() {
    List<KeyInfo> out = new ArrayList<>();
    new TreeMap<>(entries).forEach((k, e) -> out.add(new KeyInfo(k, e.version(), e.value().length,
        Instant.ofEpochMilli(e.updatedMillis()))));
    return out;
  }

  /** The stored value of {@code key} with its tombstones, or null; for tests and the status page. */
  byte[] storedValue(String key) {
    Entry e = entries.get(key);
    return e == null ? null : e.value().clone();
  }

  /** Full states received so far; for tests. */
  long statePulls() {
    return (long) pulls.count();
  }

  @Override
  protected void doStart() throws Exception {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "memberlist-kv-" + nodeName);
      t.setDaemon(true);
      return t;
    });
    JChannel ch = new JChannel(JGroupsStack.protocols(config));
    ch.setName(nodeName);
    ch.setDiscardOwnMessages(true);
    ch.setReceiver(new Receiver() {
      @Override
      public void receive(Message msg) {
        onMessage(msg);
      }

      @Override
      public void viewAccepted(View view) {
        onView(view);
      }
    });
    channel = ch;
    ch.connect(config.clusterName());
    awaitFirstState(ch);
    MemberlistConfig.JoinRetries retries = config.joinRetries();
    JoinBackoff backoff = new JoinBackoff(retries.minBackoff(), retries.maxBackoff(), ThreadLocalRandom.current());
    boolean joined = attemptJoin(1);
    if (!joined && retries.abortIfFails()) {
      // Abort semantics: the retries happen now, and a start that never joined fails the process.
      int attempt = 1;
      while (!joined && (retries.maxRetries() == 0 || attempt < retries.maxRetries())) {
        LockSupport.parkNanos(backoff.next().toNanos());
        if (Thread.interrupted()) {
          throw new InterruptedException("memberlist KV: interrupted while joining " + config.join());
        }
        attempt++;
        joined = attemptJoin(attempt);
      }
      if (!joined) {
        throw new IllegalStateException("memberlist KV: node " + nodeName + " could not join a cluster with any of "
            + config.join() + " in " + attempt + " attempts (" + MemberlistConfig.MAX_JOIN_RETRIES.describe()
            + "=" + retries.maxRetries() + ", " + MemberlistConfig.ABORT_IF_JOIN_FAILS.describe() + "=true)");
      }
    }
    if (!joined) {
      log.info("memberlist KV: node {} is in no cluster with any of {} yet; it tries again, up to {} attempts in "
          + "all, after backoffs from {} to {}", nodeName, config.join(),
          retries.maxRetries() == 0 ? "unlimited" : retries.maxRetries(), retries.minBackoff(), retries.maxBackoff());
      scheduleJoinAttempt(backoff, 1);
    }
    long gossip = config.gossipInterval().toMillis();
    long pullPush = config.pullPushInterval().toMillis();
    executor.scheduleWithFixedDelay(this::safeFlush, gossip, gossip, TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(this::pushPullWithRandomMember, pullPush, pullPush, TimeUnit.MILLISECONDS);
    long sweep = Math.min(pullPush, Math.max(1, config.leftIngestersTimeout().toMillis() / 2));
    executor.scheduleWithFixedDelay(this::sweepTombstones, sweep, sweep, TimeUnit.MILLISECONDS);
  }

  /**
   * Schedules join attempt {@code done + 1} after the next backoff; the attempts stop once this
   * node shares a cluster with a listed member, or after {@code -memberlist.max-join-retries}.
   */
  private void scheduleJoinAttempt(JoinBackoff backoff, int done) {
    ScheduledExecutorService ex = executor;
    if (ex == null) {
      return;
    }
    try {
      ex.schedule(() -> {
        int attempt = done + 1;
        int max = config.joinRetries().maxRetries();
        try {
          if (attemptJoin(attempt)) {
            return;
          }
        } catch (Exception e) {
          log.warn("memberlist KV: join attempt {} of node {} failed: {}", attempt, nodeName, e.toString());
        }
        if (max != 0 && attempt >= max) {
          log.error("memberlist KV: node {} could not join a cluster with any of {} in {} attempts; it stays in {} "
              + "(MERGE3 merges the clusters once their members reach each other)", nodeName, config.join(), attempt,
              members);
          return;
        }
        scheduleJoinAttempt(backoff, attempt);
      }, backoff.next().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("memberlist KV: stopping; no more join attempts");
    }
  }

  /**
   * Join attempt number {@code attempt}: done when this node shares a cluster with a listed
   * member. Otherwise JGroups has to merge this node's cluster with theirs; MERGE3 finds such
   * clusters on its own every few seconds, and the attempt hurries it: it checks the views
   * collected so far for another cluster now, and sends this node's view to the members it
   * discovers, so that the next check (here or at another coordinator) sees it. (Leaving and
   * joining again instead was measured to be worse: nodes that were joining this one timed out.)
   *
   * @return whether this node now shares a cluster with a listed member
   */
  private boolean attemptJoin(int attempt) {
    JChannel ch = channel;
    if (ch == null || !ch.isConnected()) {
      return false;
    }
    if (joinedListedMember()) {
      if (attempt > 1) {
        log.info("memberlist KV: node {} joined a cluster with a member of {} (attempt {}): {}", nodeName,
            config.join(), attempt, ch.getView());
      }
      return true;
    }
    MERGE3 merge = ch.getProtocolStack().findProtocol(MERGE3.class);
    if (merge != null) {
      merge.checkInconsistencies();
      merge.sendInfo();
    }
    return false;
  }

  private void awaitFirstState(JChannel ch) throws InterruptedException, ExecutionException {
    if (ch.getView().size() > 1) {
      try {
        firstState.get(JOIN_STATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        log.warn("memberlist KV: joined {} but got no state from its {} other members within {} s; continuing",
            ch.getView(), ch.getView().size() - 1, JOIN_STATE_TIMEOUT_SECONDS);
      }
    }
  }

  /**
   * Whether this node's view holds a member at an address its join list names, other than this
   * node itself; true when the list names only this node (there is no one else to join), false
   * when no entry resolves. A {@code dnssrv+} entry (whose records this class does not resolve)
   * is satisfied by any other member.
   */
  boolean joinedListedMember() {
    JChannel ch = channel;
    if (ch == null || !ch.isConnected() || ch.getView() == null) {
      return false;
    }
    Address self = ch.getAddress();
    InetSocketAddress selfPhysical = selfAddress(ch);
    Set<InetSocketAddress> listed = new HashSet<>();
    boolean anyMember = config.seeds().stream().anyMatch(s -> s.kind() == MemberlistConfig.Seed.Kind.DNS_SRV);
    boolean resolved = resolveSeeds(selfPhysical, listed);
    if (!anyMember) {
      if (!resolved) {
        return false;
      }
      if (listed.isEmpty()) {
        return true;
      }
    }
    for (Address member : ch.getView().getMembers()) {
      if (member.equals(self)) {
        continue;
      }
      if (anyMember || listed.contains(physical(ch, member))) {
        return true;
      }
    }
    return false;
  }

  /** This node's gossip address: the physical one once connected, else the advertised or bound one. */
  private InetSocketAddress selfAddress(JChannel ch) {
    if (ch != null && ch.isConnected()) {
      InetSocketAddress p = physical(ch, ch.getAddress());
      if (p != null) {
        return p;
      }
    }
    String host = !config.advertiseAddr().isEmpty() ? config.advertiseAddr() : config.bindAddr();
    int port = !config.advertiseAddr().isEmpty() ? config.advertisePort() : config.bindPort();
    try {
      return new InetSocketAddress(host.isEmpty() ? InetAddress.getLocalHost() : InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
  }

  /** Adds the resolved static and {@code dns+} entries other than this node to {@code out}; whether any resolved. */
  private boolean resolveSeeds(InetSocketAddress selfPhysical, Set<InetSocketAddress> out) {
    boolean resolved = false;
    for (MemberlistConfig.Seed seed : config.seeds()) {
      if (seed.kind() == MemberlistConfig.Seed.Kind.DNS_SRV) {
        continue;
      }
      try {
        for (InetAddress a : InetAddress.getAllByName(seed.host())) {
          resolved = true;
          InetSocketAddress candidate = new InetSocketAddress(a, seed.port());
          if (!isSelf(candidate, selfPhysical)) {
            out.add(candidate);
          }
        }
      } catch (UnknownHostException e) {
        log.debug("memberlist KV: join entry {} does not resolve: {}", seed.host(), e.toString());
      }
    }
    return resolved;
  }

  private static InetSocketAddress physical(JChannel ch, Address member) {
    Object p = ch.down(new Event(Event.GET_PHYSICAL_ADDRESS, member));
    return p instanceof IpAddress ip ? new InetSocketAddress(ip.getIpAddress(), ip.getPort()) : null;
  }

  /** Whether a listed address is this node: its port, at its own address or any address of this host. */
  private static boolean isSelf(InetSocketAddress listed, InetSocketAddress self) {
    if (self == null || listed.getPort() != self.getPort()) {
      return false;
    }
    InetAddress a = listed.getAddress();
    if (a.equals(self.getAddress()) || a.isLoopbackAddress() || a.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(a) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  @Override
  protected void doStop() throws Exception {
    ScheduledExecutorService ex = executor;
    JChannel ch = channel;
    long deadline = System.nanoTime() + config.leaveTimeout().toNanos();
    if (ex != null && ch != null && ch.isConnected()) {
      try {
        Future<?> flushed = ex.submit(this::flush);
        flushed.get(config.leaveTimeout().toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        log.warn("memberlist KV: pending changes not sent within {}", config.leaveTimeout());
      } catch (ExecutionException | RejectedExecutionException e) {
        log.warn("memberlist KV: sending pending changes failed", e);
      }
    }
    if (ch != null && ch.isConnected()) {
      handOver(ch, deadline);
    }
    if (ex != null) {
      ex.shutdownNow();
    }
    if (ch != null) {
      // GMS' leave timeout bounds the leave; what is left of -memberlist.leave-timeout is its budget.
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      org.jgroups.protocols.pbcast.GMS gms = ch.getProtocolStack().findProtocol(org.jgroups.protocols.pbcast.GMS.class);
      if (gms != null) {
        gms.setLeaveTimeout(left);
      }
      long closing = System.nanoTime();
      ch.close();
      log.info("memberlist KV: node {} left the cluster (flush {} ms, leave {} ms)", nodeName,
          TimeUnit.NANOSECONDS.toMillis(closing - (deadline - config.leaveTimeout().toNanos())),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing));
    }
    meters.forEach(registry::remove);
  }

  /**
   * Makes sure every member has this node's final state before it leaves. The changes multicast
   * just before can lose the race with the leave itself (the coordinator installs the view
   * without this node first and drops what arrives from it later, so a stopped instance would
   * stay ACTIVE in the others' rings until its heartbeat times out). So the whole state goes to
   * each member directly as a push/pull; a member answers only after merging it, and the answers
   * are awaited until {@code deadline}.
   */
  private void handOver(JChannel ch, long deadlineNanos) {
    List<CompletableFuture<Void>> answers = new ArrayList<>();
    for (Address member : members) {
      if (member.equals(ch.getAddress())) {
        continue;
      }
      CompletableFuture<Void> answered = new CompletableFuture<>();
      awaitingState.put(member, answered);
      answers.add(answered);
      sendState(member, Wire.Type.PUSH_PULL);
    }
    if (answers.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      long missing = answers.stream().filter(f -> !f.isDone()).count();
      log.warn("memberlist KV: {} of {} members did not confirm this node's final state within {}", missing,
          answers.size(), config.leaveTimeout());
    } catch (ExecutionException e) {
      log.warn("memberlist KV: handing over the final state failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      awaitingState.clear();
    }
  }

  /**
   * Ends this node as a crash would: no leave message, no flush. The service stays as it was;
   * {@link #stop()} afterwards releases what is left. For tests.
   */
  void crash() throws Exception {
    ScheduledExecutorService ex = executor;
    if (ex != null) {
      ex.shutdownNow();
    }
    JChannel ch = channel;
    if (ch != null) {
      Util.shutdown(ch);
    }
  }

  private MergeableCodec codec(String key) {
    MergeableCodec codec = codecs.apply(key);
    if (codec == null) {
      throw new IllegalArgumentException("memberlist KV: no codec for key \"" + key + "\"");
    }
    return codec;
  }

  private long cutoff(long nowMillis) {
    return nowMillis - config.leftIngestersTimeout().toMillis();
  }

  private static Entry entry(Entry previous, byte[] value, long nowMillis) {
    return new Entry(value, previous == null ? 1 : previous.version() + 1, nowMillis);
  }

  private boolean swap(String key, Entry current, Entry written) {
    return current == null ? entries.putIfAbsent(key, written) == null : entries.replace(key, current, written);
  }

  private void notifyWatchers(String key, MergeableCodec codec, Entry written) {
    if (watchers.watched(key)) {
      watchers.offer(key, new KeyWatchers.Versioned(codec.visible(written.value()), written.version()));
    }
  }

  private void enqueue(String key, MergeableCodec codec, byte[] change, long nowMillis) {
    synchronized (pending) {
      pending.merge(key, change, (older, newer) -> {
        MergeableCodec.Merge m = codec.merge(older, newer, false, nowMillis);
        return m == null ? older : m.value();
      });
    }
  }

  private double queued() {
    synchronized (pending) {
      return pending.size();
    }
  }

  /**
   * Merges a value received from a peer; returns the change it made, or null.
   *
   * @throws UncheckedIOException when the value does not decode
   */
  private byte[] mergeRemote(String key, MergeableCodec codec, byte[] incoming) {
    while (true) {
      Entry current = entries.get(key);
      long now = clock.millis();
      MergeableCodec.Merge merge = codec.merge(current == null ? null : current.value(), incoming, false, now);
      if (merge == null) {
        return null;
      }
      byte[] value = codec.expireTombstones(merge.value(), cutoff(now));
      if (current != null && Arrays.equals(value, current.value())) {
        return null; // the merge only brought back tombstones that have expired here
      }
      Entry written = entry(current, value, now);
      if (swap(key, current, written)) {
        notifyWatchers(key, codec, written);
        return merge.change();
      }
    }
  }

  private void onMessage(Message msg) {
    Wire.Decoded decoded;
    try {
      decoded = Wire.decode(msg.getArray(), msg.getOffset(), msg.getLength());
    } catch (UncheckedIOException e) {
      invalidBroadcasts.increment();
      log.warn("memberlist KV: dropped a message from {}: {}", msg.getSrc(), e.getMessage());
      return;
    }
    switch (decoded.type()) {
      case CHANGES -> {
        receivedBroadcasts.increment();
        receivedBroadcastBytes.increment(msg.getLength());
      }
      case PUSH_PULL, STATE -> {
        pulls.increment();
        pullBytes.increment(msg.getLength());
      }
    }
    boolean relay = decoded.type() != Wire.Type.CHANGES;
    for (Map.Entry<String, byte[]> e : decoded.entries().entrySet()) {
      MergeableCodec codec = codecs.apply(e.getKey());
      if (codec == null) {
        invalidBroadcasts.increment();
        log.warn("memberlist KV: dropped key {} from {}: no codec for it", e.getKey(), msg.getSrc());
        continue;
      }
      try {
        byte[] change = mergeRemote(e.getKey(), codec, e.getValue());
        if (change != null && relay) {
          enqueue(e.getKey(), codec, change, clock.millis());
        }
      } catch (RuntimeException ex) {
        invalidBroadcasts.increment();
        log.warn("memberlist KV: dropped key {} from {}: {}", e.getKey(), msg.getSrc(), ex.toString());
      }
    }
    if (decoded.type() != Wire.Type.CHANGES) {
      firstState.complete(null);
    }
    if (decoded.type() == Wire.Type.PUSH_PULL) {
      Address from = msg.getSrc();
      submit(() -> sendState(from, Wire.Type.STATE));
    } else if (decoded.type() == Wire.Type.STATE) {
      CompletableFuture<Void> waiting = awaitingState.remove(msg.getSrc());
      if (waiting != null) {
        waiting.complete(null); // it merged our state before answering: see handOver
      }
    }
  }

  private void onView(View view) {
    JChannel ch = channel;
    Address self = ch == null ? null : ch.getAddress();
    List<Address> now = List.copyOf(view.getMembers());
    Set<Address> newcomers;
    synchronized (viewLock) {
      newcomers = new HashSet<>(now);
      if (!(view instanceof MergeView)) {
        newcomers.removeAll(knownMembers);
      }
      knownMembers = Set.copyOf(now);
      members = now;
    }
    newcomers.remove(self);
    log.info("memberlist KV: node {} sees {}{}", nodeName, view, view instanceof MergeView ? " (merged)" : "");
    for (Address a : newcomers) {
      submit(() -> sendState(a, Wire.Type.PUSH_PULL));
    }
  }

  private void submit(Runnable task) {
    ScheduledExecutorService ex = executor;
    if (ex == null) {
      return;
    }
    try {
      ex.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("memberlist KV: stopping; dropped a task");
    }
  }

  private void sendState(Address to, Wire.Type type) {
    JChannel ch = channel;
    if (ch == null || !ch.isConnected()) {
      return;
    }
    Map<String, byte[]> state = new LinkedHashMap<>();
    entries.forEach((k, e) -> state.put(k, e.value()));
    byte[] bytes = Wire.encode(type, state);
    try {
      ch.send(new BytesMessage(to, bytes));
      pushes.increment();
      pushBytes.increment(bytes.length);
    } catch (Exception e) {
      log.warn("memberlist KV: could not send state to {}: {}", to, e.toString());
    }
  }

  private void pushPullWithRandomMember() {
    JChannel ch = channel;
    if (ch == null) {
      return;
    }
    List<Address> others = new ArrayList<>(members);
    others.remove(ch.getAddress());
    if (!others.isEmpty()) {
      sendState(others.get(ThreadLocalRandom.current().nextInt(others.size())), Wire.Type.PUSH_PULL);
    }
  }

  private void safeFlush() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("memberlist KV: gossip flush failed", e);
    }
  }

  /** Multicasts the queued local changes to every member. */
  private void flush() {
    Map<String, byte[]> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new LinkedHashMap<>(pending);
      pending.clear();
    }
    JChannel ch = channel;
    if (ch == null || !ch.isConnected() || members.size() < 2) {
      return; // nobody to tell: a member that joins later gets the full state by push/pull
    }
    try {
      ch.send(new BytesMessage(null, Wire.encode(Wire.Type.CHANGES, batch)));
    } catch (Exception e) {
      droppedBroadcasts.increment();
      log.warn("memberlist KV: could not broadcast changes of {}: {}", batch.keySet(), e.toString());
    }
  }

  private void sweepTombstones() {
    try {
      long cutoff = cutoff(clock.millis());
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        MergeableCodec codec = codecs.apply(e.getKey());
        Entry current = e.getValue();
        byte[] expired = codec.expireTombstones(current.value(), cutoff);
        if (!Arrays.equals(expired, current.value())) {
          // Same version: what clients see is unchanged, so watchers need nothing.
          entries.replace(e.getKey(), current, new Entry(expired, current.version(), current.updatedMillis()));
        }
      }
    } catch (RuntimeException e) {
      log.warn("memberlist KV: tombstone sweep failed", e);
    }
  }

  /** The leave timeout as configured, for the server's shutdown budget. */
  public Duration leaveTimeout() {
    return config.leaveTimeout();
  }
}
