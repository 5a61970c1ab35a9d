package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * The pods of a {@link Workload} and their labels, all derived from a seed. Services whose index
 * is 1 or 3 modulo 5 run Java (8 of 20 in W-S, so {@code svc-7} is a Go service), the others Go.
 * Labels follow the reference (§6.1): {@code service_name}, {@code namespace}, {@code pod},
 * {@code container}, {@code node}, {@code region}, {@code cluster}, {@code version}, plus
 * {@code request_id} in W-C. Pod names and {@code version} change every deploy (6 h); W-C renames
 * pods every 10 min. Immutable and thread-safe.
 */
public final class Fleet {
  private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1"};
  private static final String[] NAMESPACES = {"checkout", "search", "platform", "payments"};
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  /** What a pod runs, which decides what it uploads. */
  public enum Language { GO, JAVA }

  /**
   * One pod slot (a replica of a service; its name changes with pod generations).
   *
   * @param id dense id, {@code service * podsPerService + replica}
   */
  public record Pod(int id, int service, int replica, Language language) {
    public String serviceName() {
      return "svc-" + service;
    }
  }

  private final Workload workload;
  private final long seed;
  private final List<Pod> pods;

  public Fleet(Workload workload, long seed) {
    this.workload = requireNonNull(workload, "workload is null");
    this.seed = seed;
    List<Pod> list = new ArrayList<>();
    for (int s = 0; s < workload.services(); s++) {
      Language lang = s % 5 == 1 || s % 5 == 3 ? Language.JAVA : Language.GO;
      for (int r = 0; r < workload.podsPerService(); r++) {
        list.add(new Pod(list.size(), s, r, lang));
      }
    }
    this.pods = Collections.unmodifiableList(list);
  }

  public Workload workload() {
    return workload;
  }

  public long seed() {
    return seed;
  }

  public List<Pod> pods() {
    return pods;
  }

  /** Offset of a pod's uploads inside each interval, so the pods do not all upload at once. */
  public long phaseNanos(Pod pod) {
    return Math.floorMod(Mix.hash(seed, 1, pod.id()), workload.interval().toNanos());
  }

  /** The deploy generation at a time (a new one every 6 h of wall time since the epoch). */
  public static long deployGeneration(long timeNanos) {
    return Math.floorDiv(timeNanos, Workload.DEPLOY_EVERY.toNanos());
  }

  /** The pod's name at a time: {@code svc-7-<deploy hash>-<pod hash>}, as a Deployment names pods. */
  public String podName(Pod pod, long timeNanos) {
    long deploy = deployGeneration(timeNanos);
    long podGen = Math.floorDiv(timeNanos, workload.podGeneration().toNanos());
    return pod.serviceName() + "-" + word(Mix.hash(seed, 2, pod.service(), deploy), 9) + "-"
        + word(Mix.hash(seed, 3, pod.id(), podGen), 5);
  }

  /**
   * The series labels of an upload (without {@code __name__}), sorted by name.
   *
   * @param seq the upload's sequence number in the schedule (picks the {@code request_id} in W-C)
   */
  public TreeMap<String, String> labels(Pod pod, long timeNanos, long seq) {
    TreeMap<String, String> m = new TreeMap<>();
    String region = REGIONS[pod.service() % REGIONS.length];
    m.put("service_name", pod.serviceName());
    m.put("namespace", NAMESPACES[pod.service() % NAMESPACES.length]);
    m.put("pod", podName(pod, timeNanos));
    m.put("container", pod.serviceName());
    int nodes = Math.max(1, pods.size() / 4);
    m.put("node", "node-" + Mix.bounded(Mix.hash(seed, 4, pod.id(), deployGeneration(timeNanos)), nodes));
    m.put("region", region);
    m.put("cluster", "prod-" + region);
    m.put("version", "v1." + Math.floorMod(deployGeneration(timeNanos), 1000));
    if (workload.requestIdsPerHour() > 0) {
      long hour = Math.floorDiv(timeNanos, 3_600_000_000_000L);
      m.put("request_id", "req-" + hour + "-" + Mix.bounded(Mix.hash(seed, 5, seq), workload.requestIdsPerHour()));
    }
    return m;
  }

  private static String word(long h, int length) {
    StringBuilder sb = new StringBuilder(length);
    long x = h;
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(Mix.bounded(x, ALPHABET.length())));
      x = Mix.mix(x);
    }
    return sb.toString();
  }
}
