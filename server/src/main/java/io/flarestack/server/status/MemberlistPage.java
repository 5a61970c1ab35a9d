package io.flarestack.server.status;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flarestack.common.edge.Server;
import io.flarestack.common.edge.http.HttpHandler;
import io.flarestack.common.edge.http.HttpRequest;
import io.flarestack.common.edge.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The {@code /memberlist} page, after dskit's memberlist status page: a header with the member
 * count, a KV Store table (key, version, size, update time) and a Cluster Members table (name,
 * address, state). {@code GET} answers HTML, or JSON when {@code Accept} contains
 * {@code application/json}:
 * <pre>{"now":RFC 3339,"members":[{"name","address","state"}],
 *  "keys":[{"key","version","size","update_time"}]}</pre>
 * (dskit's JSON is Go's dump of its internal structures; this one carries the same facts).
 * Member names, addresses and keys come from the network and are HTML-escaped. Thread-safe when
 * the status is.
 */
public final class MemberlistPage implements HttpHandler {
  public static final String PATH = "/memberlist";

  private final MemberlistStatus status;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public MemberlistPage(MemberlistStatus status, Clock clock) {
    this.status = requireNonNull(status, "status is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Serves the page at {@link #PATH}. Register it only in a process that gossips: elsewhere the
   * path stays unrouted (404).
   */
  public MemberlistPage register(Server server) {
    requireNonNull(server, "server is null").addRoute("GET", PATH, this);
    return this;
  }

  @Override
  public HttpResponse handle(HttpRequest request) {
    Instant now = clock.instant();
    List<MemberlistStatus.Member> members = new ArrayList<>(status.members());
    members.sort(Comparator.comparing(MemberlistStatus.Member::name));
    List<MemberlistStatus.Key> keys = new ArrayList<>(status.keys());
    keys.sort(Comparator.comparing(MemberlistStatus.Key::key));
    for (String accept : request.headerValues("accept")) {
      if (accept.toLowerCase(Locale.ROOT).contains("application/json")) {
        return json(members, keys, now);
      }
    }
    return HttpResponse.ok(Html.CONTENT_TYPE, html(members, keys, now));
  }

  private byte[] html(List<MemberlistStatus.Member> members, List<MemberlistStatus.Key> keys, Instant now) {
    StringBuilder page = Html.start("Memberlist status");
    page.append("<p>").append(members.size()).append(members.size() == 1 ? " member" : " members")
        .append(". Current time: ").append(now.truncatedTo(ChronoUnit.SECONDS)).append(" (times are UTC).</p>\n");
    page.append("<h2>KV Store</h2>\n<table>\n<thead><tr><th>Key</th><th>Version</th><th>Size</th><th>Update Time</th>"
        + "</tr></thead>\n<tbody>\n");
    for (MemberlistStatus.Key k : keys) {
      page.append("<tr><td>").append(Html.escape(k.key())).append("</td><td class=\"num\">").append(k.version())
          .append("</td><td class=\"num\">").append(k.sizeBytes()).append(" B</td><td>")
          .append(k.updated().truncatedTo(ChronoUnit.SECONDS)).append("</td></tr>\n");
    }
    page.append("</tbody></table>\n<h2>Cluster Members</h2>\n<table>\n<thead><tr><th>Name</th><th>Address</th>"
        + "<th>State</th></tr></thead>\n<tbody>\n");
    for (MemberlistStatus.Member m : members) {
      page.append("<tr><td>").append(Html.escape(m.name())).append("</td><td>").append(Html.escape(m.address()))
          .append("</td><td>").append(Html.escape(m.state())).append("</td></tr>\n");
    }
    page.append("</tbody></table>\n");
    return Html.finish(page);
  }

  private HttpResponse json(List<MemberlistStatus.Member> members, List<MemberlistStatus.Key> keys, Instant now) {
    ObjectNode root = json.createObjectNode();
    root.put("now", OffsetDateTime.ofInstant(now, clock.getZone()).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    ArrayNode memberArray = root.putArray("members");
    for (MemberlistStatus.Member m : members) {
      memberArray.addObject().put("name", m.name()).put("address", m.address()).put("state", m.state());
    }
    ArrayNode keyArray = root.putArray("keys");
    for (MemberlistStatus.Key k : keys) {
      keyArray.addObject().put("key", k.key()).put("version", k.version()).put("size", k.sizeBytes())
          .put("update_time", k.updated().toString());
    }
    try {
      return HttpResponse.json(200, json.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree of strings and numbers did not serialise", e);
    }
  }
}
