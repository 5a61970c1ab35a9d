package io.flarestack.kv.etcd;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The etcd KV's settings ({@code etcd:} block, {@code -etcd.*} flags, as dskit names them).
 *
 * @param endpoints the etcd client URLs, e.g. {@code http://127.0.0.1:2379}
 * @param dialTimeout how long connecting, and each request, may take
 * @param maxRetries attempts of one compare-and-set before it gives up on concurrent writers
 * @param username empty for no authentication
 * @param password the user's password
 */
public record EtcdConfig(List<String> endpoints, Duration dialTimeout, int maxRetries, String username,
    String password) {
  public static final Option<List<String>> ENDPOINTS = Option.stringList("etcd.endpoints", "etcd.endpoints", List.of(),
      "The etcd endpoints to connect to.");
  public static final Option<Duration> DIAL_TIMEOUT = Option.duration("etcd.dial_timeout", "etcd.dial-timeout",
      Duration.ofSeconds(10), "The dial timeout for the etcd connection.");
  public static final Option<Integer> MAX_RETRIES = Option.integer("etcd.max_retries", "etcd.max-retries", 10,
      "The maximum number of retries to do for failed ops.");
  public static final Option<String> USERNAME = Option.string("etcd.username", "etcd.username", "",
      "Etcd username.");
  public static final Option<String> PASSWORD = Option.string("etcd.password", "etcd.password", "",
      "Etcd password.").asSecret();

  public EtcdConfig {
    endpoints = List.copyOf(requireNonNull(endpoints, "endpoints is null"));
    requireNonNull(dialTimeout, "dialTimeout is null");
    requireNonNull(username, "username is null");
    requireNonNull(password, "password is null");
    List<String> problems = problems(endpoints, dialTimeout, maxRetries);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  public static List<Option<?>> options() {
    return List.of(ENDPOINTS, DIAL_TIMEOUT, MAX_RETRIES, USERNAME, PASSWORD);
  }

  /**
   * Problems with the values, each naming the option; empty when valid. An empty endpoint list is
   * valid here: it only matters when a ring uses etcd, which the caller checks.
   */
  public static List<String> validate(ConfigValues v) {
    return problems(v.get(ENDPOINTS).isEmpty() ? List.of("http://unused:2379") : v.get(ENDPOINTS),
        v.get(DIAL_TIMEOUT), v.get(MAX_RETRIES));
  }

  public static EtcdConfig from(ConfigValues v) {
    return new EtcdConfig(v.get(ENDPOINTS), v.get(DIAL_TIMEOUT), v.get(MAX_RETRIES), v.get(USERNAME), v.get(PASSWORD));
  }

  /** The defaults, connecting to {@code endpoints}. */
  public static EtcdConfig defaults(List<String> endpoints) {
    return new EtcdConfig(endpoints, DIAL_TIMEOUT.defaultValue(), MAX_RETRIES.defaultValue(), "", "");
  }

  public EtcdConfig withMaxRetries(int n) {
    return new EtcdConfig(endpoints, dialTimeout, n, username, password);
  }

  public EtcdConfig withDialTimeout(Duration d) {
    return new EtcdConfig(endpoints, d, maxRetries, username, password);
  }

  private static List<String> problems(List<String> endpoints, Duration dialTimeout, int maxRetries) {
    List<String> p = new ArrayList<>();
    if (endpoints.isEmpty()) {
      p.add(ENDPOINTS.describe() + " must name at least one endpoint");
    }
    for (String e : endpoints) {
      if (!e.startsWith("http://") && !e.startsWith("https://")) {
        p.add(ENDPOINTS.describe() + ": \"" + e + "\" must be a URL such as http://127.0.0.1:2379");
      }
    }
    if (dialTimeout.isNegative() || dialTimeout.isZero()) {
      p.add(DIAL_TIMEOUT.describe() + " must be positive, got " + dialTimeout);
    }
    if (maxRetries < 1) {
      p.add(MAX_RETRIES.describe() + " must be at least 1, got " + maxRetries);
    }
    return p;
  }
}
