package io.flarestack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Older agents' {@code /ingest} dialects through the real server: speedscope files from the shared
 * test data (Pyroscope's expectations in its README), and trie and tree bodies encoded here from
 * known stacks; then the same stacks and values come back from SelectMergeProfile. Bad bodies are
 * rejected with a 4xx that says why, and store nothing.
 */
class LegacyFormatsIT {
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";
  private static final Map<String, Long> STACKS = new TreeMap<>(Map.of(
      "main;serve;handle", 31L, "main;serve", 4L, "main;gc", 9L, "main;serve;handle;json;encode", 17L, "idle", 2L));
  private static DialectServer server;

  @BeforeAll
  static void start() throws Exception {
    server = DialectServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void eventedSpeedscopeIsCpuWithTenKilohertzPerUnit() throws Exception {
    String app = app();
    assertThat(ingest("name=" + app + "&format=speedscope", SharedTestData.bytes("speedscope/simple.speedscope.json"),
        "Content-Type", "application/json").statusCode()).isEqualTo(200);
    Profile p = query(CPU, app, "");
    // Pyroscope's tree for this file: a;b 500, a;b;c 500, a;b;d 400 samples at 10 kHz (0.1 ms each).
    assertThat(PprofFacts.collapsed(p, 0)).isEqualTo(Map.of("a;b", 50_000_000L, "a;b;c", 50_000_000L, "a;b;d", 40_000_000L));
    assertThat(query(CPU, app, ", profile_name=\"simple.txt\"").getSampleCount()).isEqualTo(3);
  }

  @Test
  void severalSampledProfilesTakeTheirUnitAsProfileTypeAndKeepTheirNames() throws Exception {
    String app = app();
    assertThat(ingest("name=" + app + "&format=speedscope", SharedTestData.bytes("speedscope/two-sampled.speedscope.json"),
        "Content-Type", "application/json").statusCode()).isEqualTo(200);
    Map<String, Long> seconds = Map.of("a;b", 5_000_000_000L, "a;b;c", 5_000_000_000L, "a;b;d", 4_000_000_000L);
    for (String name : new String[] {"one", "two"}) {
      Profile p = query("wall:wall:nanoseconds:cpu:nanoseconds", app, ", profile_name=\"" + name + "\"");
      assertThat(PprofFacts.collapsed(p, 0)).isEqualTo(seconds);
    }

    String bytesApp = app();
    assertThat(ingest("name=" + bytesApp + "&format=speedscope",
        SharedTestData.bytes("speedscope/two-sampled-bytes.speedscope.json")).statusCode()).isEqualTo(200);
    Profile bytes = query("memory:samples:bytes::", bytesApp, "");
    assertThat(PprofFacts.collapsed(bytes, 0)).isEqualTo(Map.of("a;b", 10L, "a;b;c", 10L, "a;b;d", 8L));
  }

  @Test
  void duplicateSpeedscopeProfilesMergeIntoOne() throws Exception {
    String app = app();
    assertThat(ingest("name=" + app + "&format=speedscope",
        SharedTestData.bytes("speedscope/duplicates.speedscope.json")).statusCode()).isEqualTo(200);
    // One profile after merging, so the name keeps no unit suffix and is a CPU profile in seconds.
    Profile p = query(CPU, app, ", profile_name=\"one\"");
    assertThat(PprofFacts.collapsed(p, 0)).isEqualTo(Map.of("a;b", 15_000_000_000L, "a;b;c", 15_000_000_000L,
        "a;b;d", 12_000_000_000L));
  }

  @Test
  void trieBySelectorAndByContentType() throws Exception {
    String app = app();
    assertThat(ingest("name=" + app + ".cpu&format=trie&sampleRate=100", trie(STACKS)).statusCode()).isEqualTo(200);
    assertThat(PprofFacts.collapsed(query(CPU, app, ""), 0)).isEqualTo(PprofFacts.scaled(STACKS, 10_000_000L));

    String other = app();
    assertThat(ingest("name=" + other + ".alloc_objects", trie(STACKS), "Content-Type", "binary/octet-stream+trie")
        .statusCode()).isEqualTo(200);
    assertThat(PprofFacts.collapsed(query("memory:alloc_objects:count::", other, ""), 0)).isEqualTo(STACKS);
  }

  @Test
  void treeBySelectorAndByContentType() throws Exception {
    String app = app();
    assertThat(ingest("name=" + app + "&format=tree&sampleRate=1000", tree(STACKS)).statusCode()).isEqualTo(200);
    assertThat(PprofFacts.collapsed(query(CPU, app, ""), 0)).isEqualTo(PprofFacts.scaled(STACKS, 1_000_000L));

    String other = app();
    assertThat(ingest("name=" + other + ".wall&sampleRate=0", tree(STACKS), "Content-Type", "binary/octet-stream+tree")
        .statusCode()).isEqualTo(200);
    assertThat(PprofFacts.collapsed(query("wall:samples:count::", other, ""), 0)).isEqualTo(STACKS);
  }

  @Test
  void badBodiesAre400WithAReasonAndStoreNothing() throws Exception {
    String earlier = app();
    assertThat(ingest("name=" + earlier + "&format=tree", tree(STACKS)).statusCode()).isEqualTo(200);

    String app = app();
    byte[] trie = trie(STACKS);
    assertRejected(ingest("name=" + app + "&format=trie", java.util.Arrays.copyOf(trie, trie.length - 2)), "malformed trie body");
    byte[] tree = tree(STACKS);
    assertRejected(ingest("name=" + app + "&format=tree", java.util.Arrays.copyOf(tree, tree.length + 1)),
        "malformed tree body");
    assertRejected(ingest("name=" + app, new byte[] {(byte) 0x81}, "Content-Type", "binary/octet-stream+tree"),
        "malformed tree body");
    assertRejected(ingest("name=" + app + "&format=speedscope", "<html>not json</html>".getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/json"), "not valid JSON");
    assertRejected(ingest("name=" + app + "&format=speedscope", "{\"$schema\":\"https://example.invalid/s.json\"}"
        .getBytes(StandardCharsets.UTF_8)), "unknown speedscope schema");

    assertThat(query(CPU, app, "").getSampleCount()).isZero();
    assertThat(PprofFacts.collapsed(query(CPU, earlier, ""), 0)).isEqualTo(PprofFacts.scaled(STACKS, 10_000_000L));
  }

  private static void assertRejected(HttpResponse<byte[]> r, String reason) {
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("invalid_argument").contains(reason);
  }

  private static String app() {
    return "legacy-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static HttpResponse<byte[]> ingest(String query, byte[] body, String... headers) throws Exception {
    return server.post("/ingest?" + query.replace("{", URLEncoder.encode("{", StandardCharsets.UTF_8)), body, headers);
  }

  private static Profile query(String type, String app, String extraMatchers) {
    long now = System.currentTimeMillis();
    return server.mergeProfile(type, "{service_name=\"" + app + "\"" + extraMatchers + "}", now - 3_600_000, now + 60_000);
  }

  // A transport trie with one node per key byte (valid, uncompressed), written here from the stacks.
  static byte[] trie(Map<String, Long> stacks) {
    TreeMap<String, Long> sorted = new TreeMap<>(stacks);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTrie(out, "", sorted, 0);
    return out.toByteArray();
  }

  private static void writeTrie(ByteArrayOutputStream out, String prefix, TreeMap<String, Long> keys, int depth) {
    byte[] name = prefix.isEmpty() ? new byte[0] : new byte[] {(byte) prefix.charAt(prefix.length() - 1)};
    uvarint(out, name.length);
    out.writeBytes(name);
    uvarint(out, keys.getOrDefault(prefix, 0L));
    TreeMap<Character, Boolean> next = new TreeMap<>();
    for (String k : keys.subMap(prefix, true, prefix + Character.MAX_VALUE, true).keySet()) {
      if (k.length() > prefix.length()) {
        next.put(k.charAt(prefix.length()), true);
      }
    }
    uvarint(out, next.size());
    for (char c : next.keySet()) {
      writeTrie(out, prefix + c, keys, depth + 1);
    }
  }

  // A legacy tree: unnamed root, one node per frame with its self value.
  static byte[] tree(Map<String, Long> stacks) {
    TreeMap<String, Long> selfByPath = new TreeMap<>(stacks);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTree(out, "", null, selfByPath);
    return out.toByteArray();
  }

  private static void writeTree(ByteArrayOutputStream out, String name, String path, TreeMap<String, Long> stacks) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    uvarint(out, b.length);
    out.writeBytes(b);
    uvarint(out, path == null ? 0 : stacks.getOrDefault(path, 0L));
    TreeMap<String, Boolean> children = new TreeMap<>();
    String prefix = path == null ? "" : path + ";";
    for (String k : stacks.keySet()) {
      if (k.startsWith(prefix) && k.length() > prefix.length()) {
        children.put(k.substring(prefix.length()).split(";", 2)[0], true);
      }
    }
    uvarint(out, children.size());
    for (String c : children.keySet()) {
      writeTree(out, c, prefix + c, stacks);
    }
  }

  private static void uvarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
