package io.flarestack.kv.memberlist;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The memberlist KV's settings: Pyroscope's {@code memberlist:} block and {@code -memberlist.*}
 * flags, mapped onto a JGroups TCP stack (see {@link MemberlistKvStore}).
 *
 * <p>JGroups' socket failure detector (FD_SOCK2) listens on a second TCP port,
 * {@code bind-port + failure-detection-port-offset} (8046 by default): firewalls and port plans
 * must open both. The offset is a Flarestack option (memberlist has no such port); it must be the
 * same on every node, because a node finds a peer's detector at the peer's gossip port plus its
 * own offset.
 *
 * @param join seeds: {@code host:port} or {@code host} (the bind port), or {@code dns+host:port}
 *     (DNS A records, each peer on {@code port}) and {@code dnssrv+name} (SRV records)
 * @param bindAddr the address to listen on; empty = every interface (advertising the first
 *     non-loopback address)
 * @param bindPort the gossip TCP port
 * @param advertiseAddr the address peers reach this node at, when it differs from the bind address
 * @param advertisePort the port peers reach this node at (used with {@code advertiseAddr})
 * @param clusterLabel nodes with different labels never form one cluster
 * @param nodeName this node's name; empty = the host name
 * @param randomizeNodeName whether a random suffix is added to the node name
 * @param gossipInterval how often queued local changes are sent to the other members
 * @param pullPushInterval how often this node exchanges its full state with one random member
 * @param leftIngestersTimeout how long tombstones of removed entries are kept
 * @param leaveTimeout how long a stop waits for pending changes to be sent and the leave to finish
 * @param failureDetectionPortOffset FD_SOCK2's port relative to {@code bindPort}
 * @param joinRetries how joining the listed members is retried when a start ends outside their cluster
 */
public record MemberlistConfig(
    List<String> join,
    String bindAddr,
    int bindPort,
    String advertiseAddr,
    int advertisePort,
    String clusterLabel,
    String nodeName,
    boolean randomizeNodeName,
    Duration gossipInterval,
    Duration pullPushInterval,
    Duration leftIngestersTimeout,
    Duration leaveTimeout,
    int failureDetectionPortOffset,
    JoinRetries joinRetries) {
  public static final Option<List<String>> JOIN = Option.stringList("memberlist.join_members", "memberlist.join",
      List.of(), "Other cluster members to join: host:port, or dns+host:port to resolve the A records of host "
          + "(dnssrv+name for SRV records). Repeat the flag or give a comma-separated list.");
  public static final Option<List<String>> BIND_ADDR = Option.stringList("memberlist.bind_addr",
      "memberlist.bind-addr", List.of(), "IP address to listen on for gossip messages; default: all interfaces.");
  public static final Option<Integer> BIND_PORT = Option.integer("memberlist.bind_port", "memberlist.bind-port", 7946,
      "Port to listen on for gossip messages. JGroups' failure detector also listens on this port plus "
          + "-memberlist.failure-detection-port-offset.");
  public static final Option<String> ADVERTISE_ADDR = Option.string("memberlist.advertise_addr",
      "memberlist.advertise-addr", "", "Gossip address to advertise to other members in the cluster. Used for NAT "
          + "traversal.");
  public static final Option<Integer> ADVERTISE_PORT = Option.integer("memberlist.advertise_port",
      "memberlist.advertise-port", 7946, "Gossip port to advertise to other members in the cluster. Used for NAT "
          + "traversal.");
  public static final Option<String> CLUSTER_LABEL = Option.string("memberlist.cluster_label",
      "memberlist.cluster-label", "", "The cluster label is an optional string to include in outbound packets and "
          + "gossip streams. Nodes with different labels never form one cluster.");
  public static final Option<String> NODE_NAME = Option.string("memberlist.node_name", "memberlist.node-name", "",
      "Name of the node in memberlist cluster. Defaults to hostname.");
  public static final Option<Boolean> RANDOMIZE_NODE_NAME = Option.bool("memberlist.randomize_node_name",
      "memberlist.randomize-node-name", true, "Add random suffix to the node name.");
  public static final Option<Duration> GOSSIP_INTERVAL = Option.duration("memberlist.gossip_interval",
      "memberlist.gossip-interval", Duration.ofMillis(200), "How often to gossip: local changes are queued and "
          + "sent to every member at this interval.");
  public static final Option<Duration> PULL_PUSH_INTERVAL = Option.duration("memberlist.pull_push_interval",
      "memberlist.pullpush-interval", Duration.ofSeconds(30), "How often to use pull/push sync: the full state is "
          + "exchanged with one random member.");
  public static final Option<Duration> LEFT_INGESTERS_TIMEOUT = Option.duration("memberlist.left_ingesters_timeout",
      "memberlist.left-ingesters-timeout", Duration.ofMinutes(5), "How long to keep LEFT ingesters in the ring.");
  public static final Option<Duration> LEAVE_TIMEOUT = Option.duration("memberlist.leave_timeout",
      "memberlist.leave-timeout", Duration.ofSeconds(20), "Timeout for leaving memberlist cluster, including "
          + "sending the pending local updates.");
  public static final Option<Integer> FAILURE_DETECTION_PORT_OFFSET = Option.integer(
      "memberlist.failure_detection_port_offset", "memberlist.failure-detection-port-offset", 100,
      "Flarestack: JGroups' socket failure detector listens on -memberlist.bind-port plus this offset; "
          + "use the same offset on every node.");
  public static final Option<Integer> MAX_JOIN_RETRIES = Option.integer("memberlist.max_join_retries",
      "memberlist.max-join-retries", 10, "Max number of retries to join other cluster members (0: retry until "
          + "joined). Until a listed member shares this node's cluster, each retry hurries JGroups' merge of the "
          + "two clusters.");
  public static final Option<Duration> MIN_JOIN_BACKOFF = Option.duration("memberlist.min_join_backoff",
      "memberlist.min-join-backoff", Duration.ofSeconds(1), "Min backoff duration to join other cluster members.");
  public static final Option<Duration> MAX_JOIN_BACKOFF = Option.duration("memberlist.max_join_backoff",
      "memberlist.max-join-backoff", Duration.ofMinutes(1), "Max backoff duration to join other cluster members.");
  public static final Option<Boolean> ABORT_IF_JOIN_FAILS = Option.bool("memberlist.abort_if_cluster_join_fails",
      "memberlist.abort-if-join-fails", false, "Abort if this node fails to join memberlist cluster at startup: "
          + "the join and its retries then happen before the other services start, and the process exits when "
          + "they all fail.");

  public MemberlistConfig {
    join = List.copyOf(requireNonNull(join, "join is null"));
    requireNonNull(bindAddr, "bindAddr is null");
    requireNonNull(advertiseAddr, "advertiseAddr is null");
    requireNonNull(clusterLabel, "clusterLabel is null");
    requireNonNull(nodeName, "nodeName is null");
    requireNonNull(gossipInterval, "gossipInterval is null");
    requireNonNull(pullPushInterval, "pullPushInterval is null");
    requireNonNull(leftIngestersTimeout, "leftIngestersTimeout is null");
    requireNonNull(leaveTimeout, "leaveTimeout is null");
    requireNonNull(joinRetries, "joinRetries is null");
    List<String> problems = problems(join, List.of(bindAddr), bindPort, advertisePort, gossipInterval,
        pullPushInterval, leftIngestersTimeout, leaveTimeout, failureDetectionPortOffset);
    problems.addAll(joinRetries.problems());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  public static List<Option<?>> options() {
    return List.of(JOIN, BIND_ADDR, BIND_PORT, ADVERTISE_ADDR, ADVERTISE_PORT, CLUSTER_LABEL, NODE_NAME,
        RANDOMIZE_NODE_NAME, GOSSIP_INTERVAL, PULL_PUSH_INTERVAL, LEFT_INGESTERS_TIMEOUT, LEAVE_TIMEOUT,
        FAILURE_DETECTION_PORT_OFFSET, MAX_JOIN_RETRIES, MIN_JOIN_BACKOFF, MAX_JOIN_BACKOFF, ABORT_IF_JOIN_FAILS);
  }

  /** Problems with the values, each naming the option; empty when valid. */
  public static List<String> validate(ConfigValues v) {
    List<String> bind = v.get(BIND_ADDR);
    List<String> p = problems(v.get(JOIN), bind, v.get(BIND_PORT), v.get(ADVERTISE_PORT), v.get(GOSSIP_INTERVAL),
        v.get(PULL_PUSH_INTERVAL), v.get(LEFT_INGESTERS_TIMEOUT), v.get(LEAVE_TIMEOUT),
        v.get(FAILURE_DETECTION_PORT_OFFSET));
    p.addAll(JoinRetries.from(v).problems());
    return p;
  }

  public static MemberlistConfig from(ConfigValues v) {
    List<String> bind = v.get(BIND_ADDR);
    return new MemberlistConfig(v.get(JOIN), bind.isEmpty() ? "" : bind.get(0), v.get(BIND_PORT),
        v.get(ADVERTISE_ADDR), v.get(ADVERTISE_PORT), v.get(CLUSTER_LABEL), v.get(NODE_NAME),
        v.get(RANDOMIZE_NODE_NAME), v.get(GOSSIP_INTERVAL), v.get(PULL_PUSH_INTERVAL),
        v.get(LEFT_INGESTERS_TIMEOUT), v.get(LEAVE_TIMEOUT), v.get(FAILURE_DETECTION_PORT_OFFSET),
        JoinRetries.from(v));
  }

  /** The defaults, listening on {@code bindAddr}:{@code bindPort} and joining {@code join}. */
  public static MemberlistConfig defaults(String bindAddr, int bindPort, List<String> join) {
    return new MemberlistConfig(join, bindAddr, bindPort, ADVERTISE_ADDR.defaultValue(),
        ADVERTISE_PORT.defaultValue(), CLUSTER_LABEL.defaultValue(), NODE_NAME.defaultValue(),
        RANDOMIZE_NODE_NAME.defaultValue(), GOSSIP_INTERVAL.defaultValue(), PULL_PUSH_INTERVAL.defaultValue(),
        LEFT_INGESTERS_TIMEOUT.defaultValue(), LEAVE_TIMEOUT.defaultValue(),
        FAILURE_DETECTION_PORT_OFFSET.defaultValue(), JoinRetries.DEFAULTS);
  }

  public MemberlistConfig withClusterLabel(String label) {
    return new MemberlistConfig(join, bindAddr, bindPort, advertiseAddr, advertisePort, label, nodeName,
        randomizeNodeName, gossipInterval, pullPushInterval, leftIngestersTimeout, leaveTimeout,
        failureDetectionPortOffset, joinRetries);
  }

  public MemberlistConfig withNodeName(String name, boolean randomize) {
    return new MemberlistConfig(join, bindAddr, bindPort, advertiseAddr, advertisePort, clusterLabel, name,
        randomize, gossipInterval, pullPushInterval, leftIngestersTimeout, leaveTimeout,
        failureDetectionPortOffset, joinRetries);
  }

  public MemberlistConfig withIntervals(Duration gossip, Duration pullPush) {
    return new MemberlistConfig(join, bindAddr, bindPort, advertiseAddr, advertisePort, clusterLabel, nodeName,
        randomizeNodeName, gossip, pullPush, leftIngestersTimeout, leaveTimeout,
        failureDetectionPortOffset, joinRetries);
  }

  public MemberlistConfig withLeftIngestersTimeout(Duration timeout) {
    return new MemberlistConfig(join, bindAddr, bindPort, advertiseAddr, advertisePort, clusterLabel, nodeName,
        randomizeNodeName, gossipInterval, pullPushInterval, timeout, leaveTimeout,
        failureDetectionPortOffset, joinRetries);
  }

  public MemberlistConfig withFailureDetectionPortOffset(int offset) {
    return new MemberlistConfig(join, bindAddr, bindPort, advertiseAddr, advertisePort, clusterLabel, nodeName,
        randomizeNodeName, gossipInterval, pullPushInterval, leftIngestersTimeout, leaveTimeout, offset, joinRetries);
  }

  public MemberlistConfig withJoinRetries(JoinRetries retries) {
    return new MemberlistConfig(join, bindAddr, bindPort, advertiseAddr, advertisePort, clusterLabel, nodeName,
        randomizeNodeName, gossipInterval, pullPushInterval, leftIngestersTimeout, leaveTimeout,
        failureDetectionPortOffset, retries);
  }

  public MemberlistConfig withAdvertise(String addr, int port) {
    return new MemberlistConfig(join, bindAddr, bindPort, addr, port, clusterLabel, nodeName, randomizeNodeName,
        gossipInterval, pullPushInterval, leftIngestersTimeout, leaveTimeout,
        failureDetectionPortOffset, joinRetries);
  }

  /** The JGroups cluster name: the label, or a fixed name when there is none. */
  String clusterName() {
    return clusterLabel.isEmpty() ? "flarestack" : "flarestack-" + clusterLabel;
  }

  /** The parsed {@link #join} entries. */
  List<Seed> seeds() {
    List<Seed> seeds = new ArrayList<>();
    for (String entry : join) {
      seeds.add(Seed.parse(entry, bindPort));
    }
    return seeds;
  }

  private static List<String> problems(List<String> join, List<String> bindAddr, int bindPort, int advertisePort,
      Duration gossip, Duration pullPush, Duration leftTimeout, Duration leaveTimeout, int fdOffset) {
    List<String> p = new ArrayList<>();
    for (String entry : join) {
      try {
        Seed.parse(entry, bindPort);
      } catch (IllegalArgumentException e) {
        p.add(JOIN.describe() + ": " + e.getMessage());
      }
    }
    if (bindAddr.size() > 1) {
      p.add(BIND_ADDR.describe() + ": only one address is supported, got " + bindAddr);
    }
    if (bindPort < 0 || bindPort > 65535) {
      p.add(BIND_PORT.describe() + " must be between 0 and 65535, got " + bindPort);
    }
    if (advertisePort < 0 || advertisePort > 65535) {
      p.add(ADVERTISE_PORT.describe() + " must be between 0 and 65535, got " + advertisePort);
    }
    if (bindPort + fdOffset < 1 || bindPort + fdOffset > 65535 || fdOffset == 0) {
      p.add(FAILURE_DETECTION_PORT_OFFSET.describe() + " must not be 0 and must keep -memberlist.bind-port + offset "
          + "between 1 and 65535, got " + fdOffset);
    }
    positive(p, GOSSIP_INTERVAL, gossip);
    positive(p, PULL_PUSH_INTERVAL, pullPush);
    positive(p, LEFT_INGESTERS_TIMEOUT, leftTimeout);
    positive(p, LEAVE_TIMEOUT, leaveTimeout);
    return p;
  }

  private static void positive(List<String> p, Option<Duration> option, Duration d) {
    if (d.isNegative() || d.isZero()) {
      p.add(option.describe() + " must be positive, got " + d);
    }
  }

  /**
   * How joining is retried, as dskit does it: after the first attempt, up to {@code maxRetries}
   * attempts in all (0: no limit), each after a random wait that starts between {@code minBackoff}
   * and twice that and doubles each time, up to {@code maxBackoff}.
   *
   * @param maxRetries attempts in all; 0 retries until joined
   * @param minBackoff the first wait's lower bound
   * @param maxBackoff the longest wait
   * @param abortIfFails whether the node fails to start when every attempt failed
   */
  public record JoinRetries(int maxRetries, Duration minBackoff, Duration maxBackoff, boolean abortIfFails) {
    public static final JoinRetries DEFAULTS = new JoinRetries(MAX_JOIN_RETRIES.defaultValue(),
        MIN_JOIN_BACKOFF.defaultValue(), MAX_JOIN_BACKOFF.defaultValue(), ABORT_IF_JOIN_FAILS.defaultValue());

    public JoinRetries {
      requireNonNull(minBackoff, "minBackoff is null");
      requireNonNull(maxBackoff, "maxBackoff is null");
    }

    static JoinRetries from(ConfigValues v) {
      return new JoinRetries(v.get(MAX_JOIN_RETRIES), v.get(MIN_JOIN_BACKOFF), v.get(MAX_JOIN_BACKOFF),
          v.get(ABORT_IF_JOIN_FAILS));
    }

    List<String> problems() {
      List<String> p = new ArrayList<>();
      if (maxRetries < 0) {
        p.add(MAX_JOIN_RETRIES.describe() + " must not be negative, got " + maxRetries);
      }
      positive(p, MIN_JOIN_BACKOFF, minBackoff);
      positive(p, MAX_JOIN_BACKOFF, maxBackoff);
      if (maxBackoff.compareTo(minBackoff) < 0) {
        p.add(MAX_JOIN_BACKOFF.describe() + " (" + maxBackoff + ") must not be below "
            + MIN_JOIN_BACKOFF.describe() + " (" + minBackoff + ")");
      }
      return p;
    }
  }

  /**
   * One {@code -memberlist.join} entry.
   *
   * @param kind how the entry is resolved
   * @param host a host name or IP address, or the DNS name to query
   * @param port the gossip port (for SRV records, 0: the records carry it)
   */
  record Seed(Kind kind, String host, int port) {
    enum Kind { STATIC, DNS_A, DNS_SRV }

    static Seed parse(String entry, int defaultPort) {
      String e = entry.trim();
      if (e.startsWith("dnssrvnoa+")) {
        throw new IllegalArgumentException("\"" + entry + "\": dnssrvnoa+ is not supported; use dnssrv+ or dns+");
      }
      if (e.startsWith("dnssrv+")) {
        String name = e.substring("dnssrv+".length());
        if (name.isEmpty()) {
          throw new IllegalArgumentException("\"" + entry + "\": no DNS name after dnssrv+");
        }
        return new Seed(Kind.DNS_SRV, name, 0);
      }
      boolean dns = e.startsWith("dns+");
      String hostPort = dns ? e.substring("dns+".length()) : e;
      String host = hostPort;
      int port = defaultPort;
      int colon = hostPort.lastIndexOf(':');
      boolean bracketed = hostPort.startsWith("[");
      if (colon > 0 && (bracketed ? hostPort.indexOf(']') < colon : hostPort.indexOf(':') == colon)) {
        host = hostPort.substring(0, colon);
        String p = hostPort.substring(colon + 1);
        try {
          port = Integer.parseInt(p);
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException("\"" + entry + "\": bad port \"" + p + "\"");
        }
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("\"" + entry + "\": port must be between 1 and 65535");
        }
      }
      if (bracketed) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty()) {
        throw new IllegalArgumentException("\"" + entry + "\": no host");
      }
      return new Seed(dns ? Kind.DNS_A : Kind.STATIC, host, port);
    }
  }
}
