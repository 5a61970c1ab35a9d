package io.flarestack.server.status;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flarestack.api.ring.v1.InstanceDesc;
import io.flarestack.common.edge.Server;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.lifecycle.Service;
import io.flarestack.common.ring.Ring;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page of one hash ring, as dskit's ring page: every instance with its zone, state,
 * address, registration time, last heartbeat, token count and ownership, and a Forget button.
 *
 * <ul>
 *   <li>{@code GET} answers HTML, or JSON ({@code {"shards":[...],"now":...}}, dskit's shape) when
 *       {@code Accept} contains {@code application/json}. {@code ?tokens=true} lists every token.
 *   <li>The state column reads {@code UNHEALTHY} when the instance's last heartbeat is older than
 *       the ring's heartbeat timeout, else the instance's state.
 *   <li>Ownership is the share of the 32-bit token space the instance owns: each token owns the
 *       range from the previous token (exclusive) up to itself.
 *   <li>{@code POST} with the form field {@code forget=<instance id>} removes that instance from
 *       the ring ({@link Ring#forget}) and answers 303 back to the page (Post/Redirect/Get). An
 *       unknown id answers 404 naming it; a missing field 400. A POST whose {@code Origin} is not
 *       this server answers 403, so another site cannot make a browser forget instances.
 * </ul>
 *
 * Everything read from the KV store is HTML-escaped. Thread-safe (state is the ring's snapshot).
 */
public final class RingPage implements HttpHandler {
  /** The form field of the Forget button, dskit's name. */
  public static final String FORGET_FIELD = "forget";

  private static final long RING_SIZE = 1L << 32;
  /** Go's zero time, as dskit prints timestamps an instance never set. */
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
  private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final int MAX_ECHOED_ID = 200;

  private final Ring ring;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  /** One instance's line on the page. */
  private record Row(InstanceDesc instance, boolean healthy, long ownedRange) {
    String state() {
      return healthy ? instance.getState().name() : "UNHEALTHY";
    }

    double ownershipPercent() {
      return ownedRange * 100.0 / RING_SIZE;
    }
  }

  /**
   * @param clock judges heartbeat ages; pass the ring's clock so the page agrees with the ring
   */
  public RingPage(Ring ring, Clock clock) {
    this.ring = requireNonNull(ring, "ring is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Serves this page under each of {@code paths} (GET and POST), e.g. {@code "/ring",
   * "/ingester/ring"}.
   *
   * @throws IllegalArgumentException when a path is routed already
   */
  public RingPage register(Server server, String... paths) {
    requireNonNull(server, "server is null");
    for (String path : paths) {
      server.addRoute("GET", path, this);
      server.addRoute("POST", path, this);
    }
    return this;
  }

  /**
   * Serves this page under each of {@code paths} while {@code component} runs; before it runs
   * (or once it stopped) the paths answer 200 with the text {@code notRunning}, as Pyroscope's
   * compactor page answers "Compactor is not running yet." while its compactor starts.
   *
   * @throws IllegalArgumentException when a path is routed already
   */
  public RingPage registerWhileRunning(Server server, Service component, String notRunning, String... paths) {
    requireNonNull(server, "server is null");
    requireNonNull(component, "component is null");
    requireNonNull(notRunning, "notRunning is null");
    HttpHandler gated = request -> component.state() == Service.State.RUNNING ? handle(request)
        : HttpResponse.text(200, notRunning + "\n");
    for (String path : paths) {
      server.addRoute("GET", path, gated);
      server.addRoute("POST", path, gated);
    }
    return this;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    if (request.method().equals("POST")) {
      return forget(request);
    }
    Instant now = clock.instant();
    List<Row> rows = rows(now);
    if (wantsJson(request)) {
      return json(rows, now);
    }
    return HttpResponse.ok(Html.CONTENT_TYPE, html(rows, now, showTokens(request)));
  }

  private HttpResponse forget(HttpRequest request) {
    checkSameOrigin(request);
    String id = Forms.value(request, FORGET_FIELD);
    if (id == null || id.isEmpty()) {
      throw FlarestackException.invalidArgument("form field \"%s\" is missing or empty: POST %s=<instance id> to forget"
          + " an instance of the %s ring", FORGET_FIELD, FORGET_FIELD, ring.config().name());
    }
    if (!ring.forget(id)) {
      throw new FlarestackException(ErrorCode.NOT_FOUND, "instance \"" + truncate(id) + "\" is not in the "
          + ring.config().name() + " ring; nothing to forget");
    }
    String back = request.path() + (showTokens(request) ? "?tokens=true" : "");
    return new HttpResponse(303, null, Map.of("Location", back), new byte[0]);
  }

  /** The ring's instances, sorted by zone then id, with health and owned token ranges. */
  private List<Row> rows(Instant now) {
    List<InstanceDesc> instances = ring.instances();
    long[] owned = ownedRanges(instances);
    Duration timeout = ring.config().heartbeatTimeout();
    List<Row> rows = new ArrayList<>(instances.size());
    for (int i = 0; i < instances.size(); i++) {
      InstanceDesc instance = instances.get(i);
      boolean fresh = timeout.isZero() || now.toEpochMilli() - instance.getTimestamp() * 1000 <= timeout.toMillis();
      rows.add(new Row(instance, fresh, owned[i]));
    }
    rows.sort(Comparator.comparing((Row r) -> r.instance().getZone()).thenComparing(r -> r.instance().getId()));
    return rows;
  }

  /**
   * Per instance (same order as {@code instances}), the size of the token ranges it owns: each
   * token owns the range after the previous token up to itself, the first one wrapping around.
   * Equal tokens (a conflict) order by instance index, so the first owner gets the range.
   */
  static long[] ownedRanges(List<InstanceDesc> instances) {
    int total = 0;
    for (InstanceDesc i : instances) {
      total += i.getTokensCount();
    }
    // (token with its sign bit flipped, owner index): a signed sort orders tokens as unsigned.
    long[] packed = new long[total];
    int n = 0;
    for (int owner = 0; owner < instances.size(); owner++) {
      for (int token : instances.get(owner).getTokensList()) {
        packed[n++] = ((long) (token ^ Integer.MIN_VALUE) << 32) | owner;
      }
    }
    Arrays.sort(packed);
    long[] owned = new long[instances.size()];
    for (int i = 0; i < total; i++) {
      long token = unsignedToken(packed[i]);
      long previous = i == 0 ? unsignedToken(packed[total - 1]) - RING_SIZE : unsignedToken(packed[i - 1]);
      owned[(int) packed[i]] += token - previous;
    }
    return owned;
  }

  private static long unsignedToken(long packed) {
    return Integer.toUnsignedLong((int) (packed >> 32) ^ Integer.MIN_VALUE);
  }

  private byte[] html(List<Row> rows, Instant now, boolean showTokens) {
    String name = ring.config().name();
    StringBuilder page = Html.start(capitalize(name) + " ring status");
    page.append("<p>KV key <code>").append(Html.escape(ring.config().key())).append("</code>, ")
        .append(rows.size()).append(rows.size() == 1 ? " instance" : " instances")
        .append(", heartbeat timeout ").append(Html.escape(describe(ring.config().heartbeatTimeout())))
        .append(". Current time: ").append(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append(" (times are UTC).</p>\n");
    page.append("<p>").append(showTokens ? "<a href=\"?\">Hide tokens</a>" : "<a href=\"?tokens=true\">Show tokens</a>")
        .append("</p>\n");
    page.append("<table>\n<thead><tr><th>Instance ID</th><th>Availability Zone</th><th>State</th><th>Address</th>"
        + "<th>Registered At</th><th>Last Heartbeat</th><th>Tokens</th><th>Ownership</th><th>Actions</th></tr></thead>\n"
        + "<tbody>\n");
    for (Row row : rows) {
      InstanceDesc i = row.instance();
      String id = Html.escape(i.getId());
      page.append(row.healthy() ? "<tr>" : "<tr class=\"unhealthy\">")
          .append("<td>").append(id).append("</td>")
          .append("<td>").append(Html.escape(i.getZone())).append("</td>")
          .append("<td>").append(row.state()).append("</td>")
          .append("<td>").append(Html.escape(i.getAddr())).append("</td>")
          .append("<td>").append(i.getRegisteredTimestamp() == 0 ? "" : Instant.ofEpochSecond(i.getRegisteredTimestamp()))
          .append("</td>")
          .append("<td>").append(heartbeat(i.getTimestamp(), now)).append("</td>")
          .append("<td class=\"num\">").append(i.getTokensCount()).append("</td>")
          .append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.3f%%", row.ownershipPercent())).append("</td>")
          // No action: the form posts to this page's own URL, keeping ?tokens=true.
          .append("<td><form method=\"POST\"><input type=\"hidden\" name=\"").append(FORGET_FIELD)
          .append("\" value=\"").append(id).append("\"><button type=\"submit\">Forget</button></form></td></tr>\n");
    }
    page.append("</tbody></table>\n");
    if (showTokens) {
      for (Row row : rows) {
        page.append("<h2>Instance: ").append(Html.escape(row.instance().getId())).append("</h2>\n<p class=\"tokens\">");
        List<Integer> tokens = row.instance().getTokensList();
        for (int t = 0; t < tokens.size(); t++) {
          page.append(t == 0 ? "" : " ").append(Integer.toUnsignedString(tokens.get(t)));
        }
        page.append("</p>\n");
      }
    }
    return Html.finish(page);
  }

  private HttpResponse json(List<Row> rows, Instant now) {
    ObjectNode root = json.createObjectNode();
    ArrayNode shards = root.putArray("shards");
    for (Row row : rows) {
      InstanceDesc i = row.instance();
      ObjectNode shard = shards.addObject();
      shard.put("id", i.getId());
      shard.put("state", row.state());
      shard.put("address", i.getAddr());
      shard.put("timestamp", Instant.ofEpochSecond(i.getTimestamp()).toString());
      shard.put("registered_timestamp",
          i.getRegisteredTimestamp() == 0 ? ZERO_TIME : Instant.ofEpochSecond(i.getRegisteredTimestamp()).toString());
      // Flarestack's rings have no read-only mode; the fields keep dskit's shape.
      shard.put("read_only", false);
      shard.put("read_only_updated_timestamp", ZERO_TIME);
      shard.put("zone", i.getZone());
      ArrayNode tokens = shard.putArray("tokens");
      for (int token : i.getTokensList()) {
        tokens.add(Integer.toUnsignedLong(token));
      }
    }
    root.put("now", OffsetDateTime.ofInstant(now, clock.getZone()).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    try {
      return HttpResponse.json(200, json.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree of strings and numbers did not serialise", e);
    }
  }

  /** dskit's "Ns ago (hh:mm:ss)". */
  private static String heartbeat(long timestamp, Instant now) {
    if (timestamp == 0) {
      return "never";
    }
    long age = now.getEpochSecond() - timestamp;
    String time = CLOCK_TIME.format(Instant.ofEpochSecond(timestamp));
    return (age >= 0 ? age + "s ago" : -age + "s in the future") + " (" + time + ")";
  }

  /**
   * Refuses a POST a browser sent from another site: browsers always send {@code Origin} on a
   * cross-site form POST, and a script-less form is all a hostile page needs to forget instances.
   * Clients that send no {@code Origin} (curl, scripts) are not browsers acting for someone else.
   */
  private static void checkSameOrigin(HttpRequest request) {
    String origin = request.header("origin");
    if (origin == null) {
      return;
    }
    String host = request.header("host");
    String authority;
    try {
      authority = new URI(origin).getRawAuthority();
    } catch (URISyntaxException e) {
      authority = null;
    }
    if (host == null || authority == null || !authority.equalsIgnoreCase(host)) {
      throw new FlarestackException(ErrorCode.PERMISSION_DENIED, "refusing a cross-origin forget: Origin \""
          + truncate(origin) + "\" is not this server (Host \"" + (host == null ? "" : truncate(host)) + "\")");
    }
  }

  private static boolean wantsJson(HttpRequest request) {
    for (String accept : request.headerValues("accept")) {
      if (accept.toLowerCase(Locale.ROOT).contains("application/json")) {
        return true;
      }
    }
    return false;
  }

  private static boolean showTokens(HttpRequest request) {
    return "true".equals(request.param("tokens"));
  }

  private static String describe(Duration d) {
    return d.isZero() ? "off" : d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_ECHOED_ID ? s : s.substring(0, MAX_ECHOED_ID) + "...";
  }
}
