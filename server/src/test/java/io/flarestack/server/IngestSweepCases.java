package io.flarestack.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.opentelemetry.proto.collector.profiles.v1development.ExportProfilesServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.profiles.v1development.ResourceProfiles;
import io.opentelemetry.proto.profiles.v1development.ScopeProfiles;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The case table of {@link IngestSweepIT}: every ingest door crossed with the malformed-input
 * classes of the attack report's Test 1 (random bytes, truncated and bit-flipped real profiles,
 * wrong content types, methods, encodings and headers, invalid UTF-8, huge names, duplicate
 * labels, bad label syntax, bad timestamps, bad multipart), generated from a seeded
 * {@link Random} over the shared test data. Each door also gets one unmodified control case,
 * which must be accepted, so that the sweep is known to reach the parsers. Memory-bomb shapes
 * (gzip bombs, millions of tiny messages) are not here. Deterministic for a seed.
 */
final class IngestSweepCases {
  static final String TENANT = "sweep";
  static final String CONNECT_PUSH = "/push.v1.PusherService/Push";
  static final String OTLP_HTTP = "/v1development/profiles";
  static final String OTLP_EXPORT = "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export";
  static final String BOUNDARY = "sweep-5a7e1f0c2d3b4c5d";
  static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

  /** How a case reaches the server. */
  sealed interface Call permits Http, Grpc {}

  /**
   * An HTTP/1.1 request to the HTTP port.
   *
   * @param headers name, value, name, value...; Content-Type is among them when sent
   */
  record Http(String method, String pathAndQuery, List<String> headers, byte[] body) implements Call {}

  /** A {@code push.v1.PusherService/Push} call on the gRPC port carrying these message bytes. */
  record Grpc(byte[] message, List<String> metadata) implements Call {}

  /** One request of the sweep. */
  record Case(int index, Door door, String category, String what, Call call) {
    String id() {
      return "#" + index + " " + door + " / " + category + " / " + what;
    }

    boolean control() {
      return category.equals("control");
    }
  }

  /** The payload a door carries. */
  enum Kind { PPROF, JFR, FOLDED, LINES, TRIE, TREE, SPEEDSCOPE, OTLP_PROTO, OTLP_JSON }

  /** Every door through which profiles come in. */
  enum Door {
    PUSH_PROTO(Kind.PPROF), PUSH_JSON(Kind.PPROF), PUSH_GRPC(Kind.PPROF),
    INGEST_PPROF(Kind.PPROF), INGEST_PPROF_MULTIPART(Kind.PPROF), INGEST_JFR(Kind.JFR),
    INGEST_JFR_MULTIPART(Kind.JFR), INGEST_FOLDED(Kind.FOLDED), INGEST_NO_FORMAT(Kind.FOLDED),
    INGEST_LINES(Kind.LINES), INGEST_TRIE(Kind.TRIE), INGEST_TREE(Kind.TREE), INGEST_SPEEDSCOPE(Kind.SPEEDSCOPE),
    OTLP_HTTP_PROTO(Kind.OTLP_PROTO), OTLP_HTTP_JSON(Kind.OTLP_JSON), OTLP_CONNECT_PROTO(Kind.OTLP_PROTO),
    OTLP_CONNECT_JSON(Kind.OTLP_JSON);

    final Kind kind;

    Door(Kind kind) {
      this.kind = kind;
    }

    boolean push() {
      return this == PUSH_PROTO || this == PUSH_JSON || this == PUSH_GRPC;
    }

    boolean ingest() {
      return name().startsWith("INGEST_");
    }

    boolean otlp() {
      return name().startsWith("OTLP_");
    }

    boolean multipart() {
      return this == INGEST_PPROF_MULTIPART || this == INGEST_JFR_MULTIPART;
    }

    boolean json() {
      return this == PUSH_JSON || this == OTLP_HTTP_JSON || this == OTLP_CONNECT_JSON;
    }

    /** The {@code format} parameter, or null for none. */
    String format() {
      return switch (this) {
        case INGEST_PPROF -> "pprof";
        case INGEST_JFR, INGEST_JFR_MULTIPART -> "jfr";
        case INGEST_FOLDED -> "folded";
        case INGEST_LINES -> "lines";
        case INGEST_TRIE -> "trie";
        case INGEST_TREE -> "tree";
        case INGEST_SPEEDSCOPE -> "speedscope";
        default -> null;
      };
    }

    String service() {
      return "sweep-" + name().toLowerCase().replace('_', '-');
    }
  }

  /** What one case sends, before the door wraps it. */
  static final class Spec {
    final Door door;
    byte[] payload;
    List<String[]> labels;
    String name;
    String rawName; // already URL-encoded, replaces name
    final Map<String, String> params = new LinkedHashMap<>();
    byte[] labelsPart;
    String method = "POST";
    String contentType;
    boolean contentTypeSet;
    final List<String> headers = new ArrayList<>();
    byte[] body; // the whole body verbatim
    String path;

    Spec(Door door, byte[] payload, String path) {
      this.door = door;
      this.payload = payload;
      this.name = door.service();
      this.labels = new ArrayList<>(List.of(new String[] {"__name__", "process_cpu"},
          new String[] {"service_name", door.service()}));
      this.path = path;
    }

    Spec contentType(String ct) {
      this.contentType = ct;
      this.contentTypeSet = true;
      return this;
    }

    Spec header(String name, String value) {
      headers.add(name);
      headers.add(value);
      return this;
    }
  }

  private final Random random;
  private final long nowNanos;
  private final List<Case> cases = new ArrayList<>();
  private final Map<Kind, List<byte[]>> bases = new TreeMap<>();
  private final Map<Kind, byte[]> light = new TreeMap<>(); // small real payloads, for header and parameter cases
  private final byte[] jfrLabels;
  private final ExportProfilesServiceRequest otlp; // one resource's profiles: the base of attribute cases

  private IngestSweepCases(long seed, long nowNanos) throws Exception {
    this.random = new Random(seed);
    this.nowNanos = nowNanos;
    long time = nowNanos - 60_000_000_000L;
    List<byte[]> pprofs = new ArrayList<>();
    for (String f : List.of("pprof/og-convert-pprof/cpu.pb.gz", "pprof/og-convert-pprof/nodejs-wall.pb.gz",
        "pprof/pkg-pprof/profile_java", "pprof/og-convert-pprof/heap.pb.gz")) {
      pprofs.add(PprofFacts.withTime(SharedTestData.pprof(f), time).toByteArray());
    }
    bases.put(Kind.PPROF, pprofs);
    bases.put(Kind.JFR, List.of(SharedTestData.bytes("jfr/dump1.jfr.gz"),
        SharedTestData.bytes("captured/java-agent-2.9.2/jfr-jdk-profiler-cpu.part-jfr.jfr.gz")));
    jfrLabels = SharedTestData.bytes("jfr/dump1.labels.pb.gz");
    String folded = SharedTestData.text("folded/dump1.itimer.thread_name=pool-2-thread-1.folded");
    Map<String, Long> stacks = stacks(folded);
    bases.put(Kind.FOLDED, List.of(folded.getBytes(UTF_8)));
    StringBuilder lines = new StringBuilder();
    stacks.forEach((stack, n) -> lines.append((stack + "\n").repeat((int) Math.min(n, 3))));
    bases.put(Kind.LINES, List.of(lines.toString().getBytes(UTF_8)));
    bases.put(Kind.TRIE, List.of(trie(stacks)));
    bases.put(Kind.TREE, List.of(tree(stacks)));
    bases.put(Kind.SPEEDSCOPE, List.of(SharedTestData.bytes("speedscope/simple.speedscope.json"),
        SharedTestData.bytes("speedscope/two-sampled.speedscope.json")));
    ExportProfilesServiceRequest all =
        retimed(ExportProfilesServiceRequest.parseFrom(SharedTestData.bytes("otlp/otel-ebpf-profile.pb.bin")), time);
    bases.put(Kind.OTLP_PROTO, List.of(all.toByteArray()));
    bases.put(Kind.OTLP_JSON, List.of(JsonFormat.printer().print(all).getBytes(UTF_8)));
    otlp = all.toBuilder().clearResourceProfiles().addResourceProfiles(all.getResourceProfiles(0)).build();
    for (Kind k : Kind.values()) {
      light.put(k, bases.get(k).get(0));
    }
    light.put(Kind.JFR, bases.get(Kind.JFR).get(1));
    light.put(Kind.OTLP_PROTO, otlp.toByteArray());
    light.put(Kind.OTLP_JSON, JsonFormat.printer().print(otlp).getBytes(UTF_8));
  }

  /** The cases for {@code seed}, with profiles stamped a minute before {@code nowNanos}. */
  static List<Case> generate(long seed, long nowNanos) throws Exception {
    IngestSweepCases g = new IngestSweepCases(seed, nowNanos);
    for (Door door : Door.values()) {
      g.control(door);
      g.randomBytes(door);
      g.truncated(door);
      g.bitFlipped(door);
      g.protocol(door);
      g.invalidUtf8(door);
      g.hugeNames(door);
      g.duplicates(door);
      g.labelSyntax(door);
      g.timestamps(door);
      g.values(door);
      if (door.ingest()) {
        g.multipart(door);
      }
    }
    return List.copyOf(g.cases);
  }

  // ---------------------------------------------------------------- categories

  private void control(Door door) {
    for (String path : door.ingest() ? List.of("/ingest", "/pyroscope/ingest") : List.of("")) {
      Spec s = spec(door);
      s.path = path;
      add(s, "control", "a real " + door.kind + " payload, unmodified, through " + (path.isEmpty() ? "the door" : path));
    }
  }

  private void randomBytes(Door door) {
    int[] sizes = {1, 2, 3, 8, 100, 1000, 4096, 65536};
    for (int i = 0; i < 10; i++) {
      int size = sizes[random.nextInt(sizes.length)];
      byte[] bytes = randomBytes(size);
      String variant;
      switch (random.nextInt(3)) {
        case 0 -> variant = "raw";
        case 1 -> {
          bytes[0] = 0x1f;
          if (bytes.length > 1) {
            bytes[1] = (byte) 0x8b;
          }
          variant = "with the gzip magic";
        }
        default -> {
          bytes = SharedTestData.gzip(bytes);
          variant = "gzipped";
        }
      }
      Spec s = spec(door);
      boolean wholeBody = door.push() ? random.nextBoolean() && door != Door.PUSH_GRPC : !door.multipart() || random.nextBoolean();
      if (wholeBody) {
        s.body = bytes;
      } else {
        s.payload = bytes;
      }
      add(s, "random bytes", size + " random bytes, " + variant + (wholeBody ? ", as the body" : ", as the profile"));
    }
  }

  private void truncated(Door door) {
    for (int i = 0; i < 6; i++) {
      byte[] base = base(door);
      boolean gzip = door.kind == Kind.PPROF && random.nextBoolean();
      byte[] source = gzip ? SharedTestData.gzip(base) : base;
      int cut = random.nextInt(source.length);
      Spec s = spec(door);
      s.payload = Arrays.copyOf(source, cut);
      add(s, "truncated", (gzip ? "gzipped " : "") + door.kind + " cut to " + cut + " of " + source.length + " bytes");
    }
    if (door.push() && door != Door.PUSH_GRPC || door.otlp()) {
      Spec s = spec(door);
      byte[] whole = body(s);
      s.body = Arrays.copyOf(whole, random.nextInt(whole.length));
      add(s, "truncated", "the request body cut to " + s.body.length + " of " + whole.length + " bytes");
    }
  }

  private void bitFlipped(Door door) {
    for (int i = 0; i < 6; i++) {
      byte[] source = base(door).clone();
      int flips = 1 + random.nextInt(32);
      for (int f = 0; f < flips; f++) {
        int bit = random.nextInt(source.length * 8);
        source[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      Spec s = spec(door);
      s.payload = source;
      add(s, "bit-flipped", flips + " bits flipped in the " + door.kind);
    }
    if (door.kind == Kind.PPROF) {
      byte[] gz = SharedTestData.gzip(base(door));
      int bit = 80 + random.nextInt((gz.length - 10) * 8); // past the gzip header
      gz[bit / 8] ^= (byte) (1 << (bit % 8));
      Spec s = spec(door);
      s.payload = gz;
      add(s, "bit-flipped", "one bit flipped in the gzip stream of the pprof");
    }
  }

  private void protocol(Door door) {
    if (door == Door.PUSH_GRPC) {
      Spec s = spec(door);
      s.headers.addAll(List.of("x-scope-orgid", TENANT, "x-scope-orgid", "other"));
      add(s, "headers", "two different tenants in the metadata");
      return;
    }
    for (String method : List.of("GET", pick("PUT", "DELETE", "PATCH"))) {
      Spec s = lightSpec(door);
      s.method = method;
      add(s, "methods", method + " instead of POST");
    }
    List<String> types = door.ingest()
        ? List.of("multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
            "binary/octet-stream+trie", "binary/octet-stream+tree", "application/json", "text/plain; charset=x")
        : door.otlp() && door.name().startsWith("OTLP_HTTP")
            ? List.of("", "text/plain", "application/x-protobuf; charset=utf-8", "application/JSON", "application/xml")
            : List.of("", "text/plain", "application/xml", "application/json; charset=utf-16", "application/proto; x=y",
                "application/connect+proto", "application/grpc-web+json");
    for (String ct : types) {
      Spec s = lightSpec(door);
      s.contentType(ct.isEmpty() ? null : ct);
      add(s, "content types", ct.isEmpty() ? "no Content-Type" : "Content-Type " + ct);
    }
    for (String encoding : List.of("br", "gzip", pick("deflate", "gzip, gzip", "x-unknown", "identity"))) {
      Spec s = lightSpec(door);
      s.header("Content-Encoding", encoding);
      add(s, "encodings", "Content-Encoding " + encoding + " on a plain body");
    }
    Spec gz = lightSpec(door);
    gz.body = SharedTestData.gzip(body(gz));
    gz.header("Content-Encoding", "gzip");
    add(gz, "encodings", "a gzipped body with Content-Encoding gzip");
    String[][] connect = {{"Connect-Protocol-Version", "7"}, {"Connect-Protocol-Version", ""},
        {"Connect-Timeout-Ms", "abc"}, {"Connect-Timeout-Ms", "-1"}, {"Connect-Timeout-Ms", "99999999999999999999"}};
    for (String[] h : List.of(connect[random.nextInt(connect.length)], connect[random.nextInt(connect.length)],
        new String[] {"X-Scope-OrgID", "../x"}, new String[] {"X-Scope-OrgID", "a|b"},
        new String[] {"X-Scope-OrgID", "x".repeat(151)}, new String[] {"X-Scope-OrgID", "sweep, other"})) {
      Spec s = lightSpec(door);
      if (h[0].equals("X-Scope-OrgID")) {
        s.headers.clear(); // replaces the sweep tenant
      }
      s.header(h[0], h[1]);
      add(s, "headers", h[0] + ": " + h[1]);
    }
    Spec noTenant = lightSpec(door);
    noTenant.headers.clear();
    add(noTenant, "headers", "no X-Scope-OrgID");
    Spec twoTenants = lightSpec(door);
    twoTenants.header("X-Scope-OrgID", "other");
    add(twoTenants, "headers", "two different X-Scope-OrgID headers");
  }

  private void invalidUtf8(Door door) {
    byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
    String[] names = {"FF", "overlong NUL", "encoded surrogate", "past U+10FFFF", "cut short"};
    if (door.kind == Kind.PPROF) {
      Spec s = spec(door);
      s.payload = SharedTestData.bytes("pprof/og-convert-pprof/invalid_utf8.pb.gz");
      add(s, "invalid UTF-8", "a pprof whose string table is not UTF-8");
    }
    for (int i = 0; i < bad.length; i++) {
      byte[] b = bad[i];
      if (door.push()) {
        String marker = "#".repeat(b.length + 2);
        Spec s = spec(door);
        s.labels.add(new String[] {"env", marker});
        s.body = replace(body(s), marker.getBytes(UTF_8), concat(new byte[] {'a'}, b, new byte[] {'b'}));
        add(s, "invalid UTF-8", names[i] + " in a label value");
      } else if (door.ingest()) {
        Spec s = spec(door);
        s.rawName = enc(door.service()) + "%7Benv%3Da" + percent(b) + "b%7D";
        add(s, "invalid UTF-8", names[i] + " in a label value of the name");
        Spec app = spec(door);
        app.rawName = "app" + percent(b);
        add(app, "invalid UTF-8", names[i] + " in the app name");
      } else {
        String marker = "#".repeat(b.length + 2);
        Spec s = spec(door);
        s.payload = replace(otlpBytes(door, withResourceAttribute(otlp, "env", marker)), marker.getBytes(UTF_8),
            concat(new byte[] {'a'}, b, new byte[] {'b'}));
        add(s, "invalid UTF-8", names[i] + " in an attribute value");
      }
    }
    if (door.json()) {
      for (String escape : List.of("\\ud800", "\\udc00", "\\ud800\\u0041")) {
        String marker = "%%%%%%%%%%";
        Spec s = spec(door);
        if (door.push()) {
          s.labels.add(new String[] {"env", marker});
          s.body = new String(body(s), UTF_8).replace(marker, escape).getBytes(UTF_8);
        } else {
          s.payload = new String(otlpBytes(door, withResourceAttribute(otlp, "env", marker)), UTF_8)
              .replace(marker, escape).getBytes(UTF_8);
        }
        add(s, "invalid UTF-8", "the escape " + escape + " in a string");
      }
      Spec trailing = spec(door);
      if (door.push()) {
        trailing.body = concat(body(trailing), "garbage".getBytes(UTF_8));
      } else {
        trailing.payload = concat(trailing.payload, " {}".getBytes(UTF_8));
      }
      add(trailing, "bad JSON", "data after the JSON value");
      for (String json : List.of("[]", "\"x\"", "1e999", "{\"series\":\"x\"}", "{\"resourceProfiles\":[{}]}", "{\"a\":NaN}",
          "[".repeat(100_000), "{\"series\":[{\"samples\":[{\"rawProfile\":\"!!!\"}]}]}", "{\"x\":\"" + "a".repeat(1 << 20) + "\"}")) {
        Spec s = spec(door);
        if (door.push()) {
          s.body = json.getBytes(UTF_8);
        } else {
          s.payload = json.getBytes(UTF_8);
        }
        add(s, "bad JSON", json.length() > 40 ? json.substring(0, 20) + "... (" + json.length() + " chars)" : json);
      }
    }
    if (door.kind == Kind.FOLDED || door.kind == Kind.LINES || door.kind == Kind.SPEEDSCOPE) {
      for (int i = 0; i < bad.length; i++) {
        Spec s = spec(door);
        byte[] base = base(door);
        String text = new String(base, UTF_8); // ASCII: character and byte offsets agree
        int at = text.indexOf(door.kind == Kind.SPEEDSCOPE ? "\"name\": \"" : ";") + (door.kind == Kind.SPEEDSCOPE ? 9 : 1);
        s.payload = concat(Arrays.copyOf(base, at), bad[i], Arrays.copyOfRange(base, at, base.length));
        add(s, "invalid UTF-8", names[i] + " in a frame name");
      }
    }
  }

  private void hugeNames(Door door) {
    if (door.push()) {
      addLabels(door, "huge names", "a label name of 1025 characters", new String[] {"n".repeat(1025), "v"});
      addLabels(door, "huge names", "a label value of 2049 bytes", new String[] {"env", "v".repeat(2049)});
      addLabels(door, "huge names", "a label value of 100,000 bytes", new String[] {"env", "v".repeat(100_000)});
      Spec many = spec(door);
      for (int i = 0; i < 10_000; i++) {
        many.labels.add(new String[] {"l" + i, "v"});
      }
      add(many, "huge names", "10,000 series labels");
      Spec series = spec(door);
      PushRequest.Builder b = PushRequest.newBuilder();
      byte[] small = base(door);
      for (int i = 0; i < 2_000; i++) {
        b.addSeries(RawProfileSeries.newBuilder()
            .addLabels(pair("__name__", "process_cpu")).addLabels(pair("service_name", door.service()))
            .addLabels(pair("i", Integer.toString(i)))
            .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(i == 0 ? small : new byte[0]))));
      }
      series.body = encode(door, b.build());
      add(series, "huge names", "2,000 series, all but one with an empty profile");
    } else if (door.ingest()) {
      for (String name : List.of("a".repeat(1025), door.service() + "{env=" + "v".repeat(2049) + "}",
          door.service() + "{" + "k".repeat(1025) + "=v}", door.service() + "{env=" + "v".repeat(10_000) + "}",
          "a".repeat(100_000))) {
        Spec s = spec(door);
        s.name = name;
        if (name.length() > 64 * 1024) {
          // Past the server's request-line limit it answers 400 and closes the connection; a body
          // still unread then may turn into a reset that loses the answer, so this one has none.
          s.body = new byte[0];
        }
        add(s, "huge names", "a name of " + name.length() + " characters");
      }
    } else {
      for (String[] kv : List.of(new String[] {"k".repeat(1025), "v"}, new String[] {"env", "v".repeat(100_000)})) {
        Spec s = spec(door);
        s.payload = otlpBytes(door, withResourceAttribute(otlp, kv[0], kv[1]));
        add(s, "huge names", "a resource attribute of " + (kv[0].length() + kv[1].length()) + " characters");
      }
    }
    if (door.kind == Kind.PPROF) {
      Profile p = parsePprof(base(door));
      Profile.Builder b = p.toBuilder();
      Sample.Builder first = b.getSampleBuilder(0);
      int k = b.getStringTableCount();
      b.addStringTable("key").addStringTable("value");
      for (int i = 0; i < 10_000; i++) {
        first.addLabel(Label.newBuilder().setKey(k).setStr(k + 1));
      }
      Spec s = spec(door);
      s.payload = b.build().toByteArray();
      add(s, "huge names", "10,000 labels on one pprof sample");
      Profile.Builder sym = p.toBuilder();
      sym.setStringTable(sym.getStringTableCount() - 1, "f".repeat(100_000));
      Spec longSymbol = spec(door);
      longSymbol.payload = sym.build().toByteArray();
      add(longSymbol, "huge names", "a pprof string of 100,000 characters");
    }
    if (door.kind == Kind.FOLDED || door.kind == Kind.LINES) {
      Spec s = spec(door);
      s.payload = ("main;" + "f".repeat(200_000) + (door.kind == Kind.FOLDED ? " 1\n" : "\n")).getBytes(UTF_8);
      add(s, "huge names", "a frame of 200,000 characters");
      Spec deep = spec(door);
      deep.payload = ("f;".repeat(10_000) + "leaf" + (door.kind == Kind.FOLDED ? " 1\n" : "\n")).getBytes(UTF_8);
      add(deep, "huge names", "a stack of 10,000 frames");
    }
  }

  private void duplicates(Door door) {
    if (door.push()) {
      addLabels(door, "duplicate labels", "a series label twice", new String[] {"env", "a"}, new String[] {"env", "b"});
      addLabels(door, "duplicate labels", "__name__ twice", new String[] {"__name__", "memory"});
    } else if (door.ingest()) {
      for (String name : List.of("{env=a,env=b}", "{env=a,env=a}", "{service_name=a,service_name=b}")) {
        Spec s = lightSpec(door);
        s.name = door.service() + name;
        add(s, "duplicate labels", "the name " + s.name);
      }
    } else {
      ExportProfilesServiceRequest twice = withResourceAttribute(withResourceAttribute(otlp, "env", "a"), "env", "b");
      Spec s = spec(door);
      s.payload = otlpBytes(door, twice);
      add(s, "duplicate labels", "a resource attribute twice");
    }
    if (door.kind == Kind.PPROF) {
      Profile.Builder b = parsePprof(base(door)).toBuilder();
      int k = b.getStringTableCount();
      b.addStringTable("dup").addStringTable("a").addStringTable("b");
      b.getSampleBuilder(0).addLabel(Label.newBuilder().setKey(k).setStr(k + 1))
          .addLabel(Label.newBuilder().setKey(k).setStr(k + 2));
      Spec s = spec(door);
      s.payload = b.build().toByteArray();
      add(s, "duplicate labels", "a pprof sample label key twice");
    }
  }

  private void labelSyntax(Door door) {
    if (door.push()) {
      for (String[] l : List.of(new String[] {"a-b", "1"}, new String[] {"1a", "1"}, new String[] {"", "1"},
          new String[] {"a b", "1"}, new String[] {"\u00e4", "1"}, new String[] {"env", "a\u0000b"},
          new String[] {"env", "line\nbreak"}, new String[] {"env", "tab\there"})) {
        addLabels(door, "label syntax", "the label " + l[0] + "=" + l[1].replaceAll("\\p{Cc}", "?"), l);
      }
      for (String name : List.of("process cpu", "", "a:b", "cpu-time", "caf\u00e9")) {
        Spec s = spec(door);
        s.labels.set(0, new String[] {"__name__", name});
        add(s, "label syntax", "__name__ \"" + name + "\"");
      }
      Spec noName = spec(door);
      noName.labels.remove(0);
      add(noName, "label syntax", "no __name__");
      Spec noLabels = spec(door);
      noLabels.labels.clear();
      add(noLabels, "label syntax", "no labels at all");
    } else if (door.ingest()) {
      String app = door.service();
      for (String name : List.of(app + "{", app + "{env=a", app + "{env=a}{b=c}", app + "{env=a}xxxxxxxxxx",
          app + "{{{{{{", "..", ".", app + "..cpu", "{a=1}", "", " ", app + "{=1}", app + "{a}", app + "{,}",
          app + "{a=b,,c=d}", "my app", app + "{a b=1}", app + "{a=x\u0000y}", app + "{a=x\ny}", app + "{a=x\ty}",
          app + "{__name__=x}", app + "{profile_id=abc}", app + ".unknowntype")) {
        Spec s = lightSpec(door);
        s.name = name;
        add(s, "label syntax", "the name \"" + name.replaceAll("\\p{Cc}", "?") + "\"");
      }
      Spec noName = lightSpec(door);
      noName.name = null;
      add(noName, "label syntax", "no name parameter");
    } else {
      for (String[] kv : List.of(new String[] {"a-b", "1"}, new String[] {"", "1"}, new String[] {"service.name", ""},
          new String[] {"service.name", "a\u0000b"}, new String[] {"env", "x\ny"})) {
        Spec s = spec(door);
        s.payload = otlpBytes(door, withResourceAttribute(otlp, kv[0], kv[1]));
        add(s, "label syntax", "the resource attribute " + kv[0] + "=" + kv[1].replaceAll("\\p{Cc}", "?"));
      }
    }
  }

  private void timestamps(Door door) {
    if (door.ingest()) {
      String[][] ranges = {{"-1", null}, {"0", null}, {"1.5", null}, {"", null}, {"abc", null},
          {"-9999999999999999999", null}, {"99999999999999999999", null}, {"9223372036854775807", null},
          {"9999999999", null}, {"now-1h", "now"}, {"now+1h", "now+2h"}, {"1", "2"}, {"4102444800", "4102444810"},
          {"now", "now-1h"}, {null, "abc"}, {"20991231", null}, {"now-1x", null}, {"1e9", null}};
      for (String[] r : ranges) {
        Spec s = lightSpec(door);
        if (r[0] != null) {
          s.params.put("from", r[0]);
        }
        if (r[1] != null) {
          s.params.put("until", r[1]);
        }
        add(s, "timestamps", "from=" + r[0] + " until=" + r[1]);
      }
      for (String rate : List.of("-1", "abc", "1e309", "99999999999999999999999", "", "0", "1000000001")) {
        Spec s = lightSpec(door);
        s.params.put("sampleRate", rate);
        add(s, "timestamps", "sampleRate=" + rate);
      }
    }
    if (door.kind == Kind.PPROF) {
      long[] times = {-1, Long.MIN_VALUE, Long.MAX_VALUE, 0, 1, 4102444800_000_000_000L,
          nowNanos - 2 * 3_600_000_000_000L, nowNanos + 3_600_000_000_000L};
      for (long t : times) {
        Spec s = spec(door);
        s.payload = parsePprof(base(door)).toBuilder().setTimeNanos(t).build().toByteArray();
        add(s, "timestamps", "pprof time_nanos " + t);
      }
      Spec d = spec(door);
      d.payload = parsePprof(base(door)).toBuilder().setDurationNanos(-1).build().toByteArray();
      add(d, "timestamps", "pprof duration_nanos -1");
    }
    if (door.otlp()) {
      for (long t : new long[] {-1, 0, 1, Long.MAX_VALUE}) {
        Spec s = spec(door);
        s.payload = otlpBytes(door, retimed(otlp, t));
        add(s, "timestamps", "OTLP time_unix_nano " + Long.toUnsignedString(t));
      }
    }
  }

  private void values(Door door) {
    if (door.kind == Kind.PPROF) {
      Profile p = parsePprof(base(door));
      for (long v : new long[] {Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
        Profile.Builder b = p.toBuilder();
        for (Sample.Builder sb : b.getSampleBuilderList()) {
          for (int i = 0; i < sb.getValueCount(); i++) {
            sb.setValue(i, v);
          }
        }
        Spec s = spec(door);
        s.payload = b.build().toByteArray();
        add(s, "values", "every sample value " + v);
      }
      Spec period = spec(door);
      period.payload = p.toBuilder().setPeriod(-1).build().toByteArray();
      add(period, "values", "period -1");
      Spec badRef = spec(door);
      badRef.payload = p.toBuilder().setSample(0, p.getSample(0).toBuilder().addLocationId(1L << 40)).build().toByteArray();
      add(badRef, "values", "a sample naming a location that does not exist");
      Spec badString = spec(door);
      badString.payload = p.toBuilder().setSampleType(0, p.getSampleType(0).toBuilder().setType(1L << 40)).build()
          .toByteArray();
      add(badString, "values", "a sample type naming a string that does not exist");
      Spec empty = spec(door);
      empty.payload = new byte[0];
      add(empty, "values", "an empty profile");
      Spec noSamples = spec(door);
      noSamples.payload = p.toBuilder().clearSample().build().toByteArray();
      add(noSamples, "values", "a profile without samples");
    }
    if (door.kind == Kind.FOLDED) {
      for (String text : List.of("main;work", "main;work abc", "main;work -1", "main;work 99999999999999999999",
          "main;work 9223372036854775807\nmain;work 1", " 1", "main;work 1.5", "\n\n\n", "main;work 1\r\nmain 2\r\n")) {
        Spec s = spec(door);
        s.payload = text.getBytes(UTF_8);
        add(s, "values", "folded text \"" + text.replace("\n", "\\n").replace("\r", "\\r") + "\"");
      }
    }
    if (door.kind == Kind.SPEEDSCOPE) {
      for (String json : List.of("{}", "{\"profiles\":[]}", "{\"profiles\":[{\"type\":\"evented\"}]}",
          "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"shared\":{\"frames\":[]},"
              + "\"profiles\":[{\"type\":\"sampled\",\"name\":\"p\",\"unit\":\"none\",\"startValue\":0,\"endValue\":1,"
              + "\"samples\":[[5]],\"weights\":[1]}]}",
          "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"shared\":{\"frames\":[{\"name\":\"a\"}]},"
              + "\"profiles\":[{\"type\":\"evented\",\"name\":\"p\",\"unit\":\"bogus\",\"startValue\":0,\"endValue\":1,"
              + "\"events\":[{\"type\":\"C\",\"at\":0,\"frame\":0}]}]}")) {
        Spec s = spec(door);
        s.payload = json.getBytes(UTF_8);
        add(s, "values", "speedscope " + (json.length() > 50 ? json.substring(0, 50) + "..." : json));
      }
    }
  }

  private void multipart(Door door) {
    byte[] inner = door.multipart() ? payloadForm(door, base(door)) : null;
    List<Object[]> bodies = new ArrayList<>();
    bodies.add(new Object[] {"no boundary in the Content-Type", "multipart/form-data", inner == null ? base(door) : inner});
    bodies.add(new Object[] {"a boundary that the body does not use", "multipart/form-data; boundary=other",
        inner == null ? base(door) : inner});
    bodies.add(new Object[] {"a raw body under a multipart Content-Type", MULTIPART, base(door)});
    bodies.add(new Object[] {"an empty body", MULTIPART, new byte[0]});
    bodies.add(new Object[] {"only the closing delimiter", MULTIPART, ("--" + BOUNDARY + "--\r\n").getBytes(UTF_8)});
    bodies.add(new Object[] {"no closing delimiter", MULTIPART,
        ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"profile\"; filename=\"p\"\r\n\r\nxyz").getBytes(UTF_8)});
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      many.append("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"p").append(i)
          .append("\"\r\n\r\nv\r\n");
    }
    many.append("--").append(BOUNDARY).append("--\r\n");
    bodies.add(new Object[] {"10,000 parts", MULTIPART, many.toString().getBytes(UTF_8)});
    bodies.add(new Object[] {"a part header of 1 MiB", MULTIPART, ("--" + BOUNDARY + "\r\nX-Big: " + "h".repeat(1 << 20)
        + "\r\n\r\nv\r\n--" + BOUNDARY + "--\r\n").getBytes(UTF_8)});
    bodies.add(new Object[] {"a part without Content-Disposition", MULTIPART,
        ("--" + BOUNDARY + "\r\n\r\nv\r\n--" + BOUNDARY + "--\r\n").getBytes(UTF_8)});
    bodies.add(new Object[] {"LF line ends", MULTIPART, inner == null ? base(door)
        : new String(inner, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)});
    bodies.add(new Object[] {"a boundary of 300 characters", "multipart/form-data; boundary=" + "b".repeat(300),
        inner == null ? base(door) : inner});
    if (inner != null) {
      bodies.add(new Object[] {"the form nested in a part", "multipart/form-data; boundary=outer",
          form("outer", new Object[] {"nested", "n", inner})});
      bodies.add(new Object[] {"the form truncated", MULTIPART, Arrays.copyOf(inner, random.nextInt(inner.length))});
      String part = door == Door.INGEST_JFR_MULTIPART ? "jfr" : "profile";
      bodies.add(new Object[] {"the " + part + " part without a filename", MULTIPART,
          ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + part + "\"\r\n\r\nx\r\n--" + BOUNDARY
              + "--\r\n").getBytes(UTF_8)});
      bodies.add(new Object[] {"the " + part + " part twice", MULTIPART,
          form(BOUNDARY, new Object[] {part, part, base(door)}, new Object[] {part, part, base(door)})});
      if (door == Door.INGEST_JFR_MULTIPART) {
        for (byte[] labels : List.of(randomBytes(100), SharedTestData.gzip(randomBytes(100)),
            Arrays.copyOf(jfrLabels, jfrLabels.length / 2), new byte[] {0x1f, (byte) 0x8b})) {
          bodies.add(new Object[] {"a labels part of " + labels.length + " bad bytes", MULTIPART,
              form(BOUNDARY, new Object[] {"jfr", "jfr", base(door)}, new Object[] {"labels", "labels", labels})});
        }
      } else {
        bodies.add(new Object[] {"a prev_profile part", MULTIPART, form(BOUNDARY,
            new Object[] {"profile", "profile.pprof", base(door)}, new Object[] {"prev_profile", "p", base(door)})});
        bodies.add(new Object[] {"a sample_type_config that is not JSON", MULTIPART, form(BOUNDARY,
            new Object[] {"profile", "profile.pprof", base(door)},
            new Object[] {"sample_type_config", "sample_type_config.json", "{not json".getBytes(UTF_8)})});
      }
    }
    for (Object[] b : bodies) {
      Spec s = spec(door);
      s.contentType((String) b[1]);
      s.body = (byte[]) b[2];
      add(s, "multipart", (String) b[0]);
    }
  }

  // ---------------------------------------------------------------- building requests

  private Spec spec(Door door) {
    Spec s = new Spec(door, base(door), random.nextBoolean() ? "/ingest" : "/pyroscope/ingest");
    if (door != Door.PUSH_GRPC) {
      s.header("X-Scope-OrgID", TENANT);
    } else {
      s.headers.addAll(List.of("x-scope-orgid", TENANT));
    }
    if (door.kind == Kind.JFR && door.multipart()) {
      s.labelsPart = jfrLabels;
    }
    return s;
  }

  /** A case with the door's small real payload, for cases about headers and parameters. */
  private Spec lightSpec(Door door) {
    Spec s = spec(door);
    s.payload = light.get(door.kind);
    return s;
  }

  private String pick(String... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private byte[] base(Door door) {
    List<byte[]> list = bases.get(door.kind);
    return list.get(random.nextInt(list.size()));
  }

  private void addLabels(Door door, String category, String what, String[]... extra) {
    Spec s = spec(door);
    s.labels.addAll(List.of(extra));
    add(s, category, what);
  }

  private void add(Spec s, String category, String what) {
    Call call;
    if (s.door == Door.PUSH_GRPC) {
      call = new Grpc(body(s), List.copyOf(s.headers));
    } else {
      List<String> headers = new ArrayList<>(s.headers);
      String ct = s.contentTypeSet ? s.contentType : defaultContentType(s.door);
      if (ct != null) {
        headers.add("Content-Type");
        headers.add(ct);
      }
      call = new Http(s.method, target(s), List.copyOf(headers), body(s));
    }
    cases.add(new Case(cases.size(), s.door, category, what, call));
  }

  private static String defaultContentType(Door door) {
    return switch (door) {
      case PUSH_PROTO, OTLP_CONNECT_PROTO -> "application/proto";
      case PUSH_JSON, OTLP_CONNECT_JSON, OTLP_HTTP_JSON, INGEST_SPEEDSCOPE -> "application/json";
      case OTLP_HTTP_PROTO -> "application/x-protobuf";
      case INGEST_PPROF_MULTIPART, INGEST_JFR_MULTIPART -> MULTIPART;
      default -> "binary/octet-stream";
    };
  }

  private static String target(Spec s) {
    if (s.door.push()) {
      return CONNECT_PUSH;
    }
    if (s.door == Door.OTLP_HTTP_PROTO || s.door == Door.OTLP_HTTP_JSON) {
      return OTLP_HTTP;
    }
    if (s.door.otlp()) {
      return OTLP_EXPORT;
    }
    StringBuilder q = new StringBuilder(s.path).append('?');
    if (s.rawName != null) {
      q.append("name=").append(s.rawName);
    } else if (s.name != null) {
      q.append("name=").append(enc(s.name));
    }
    if (s.door.format() != null) {
      q.append("&format=").append(s.door.format());
    }
    s.params.forEach((k, v) -> q.append('&').append(k).append('=').append(enc(v)));
    return q.toString();
  }

  private byte[] body(Spec s) {
    if (s.body != null) {
      return s.body;
    }
    if (s.door.push()) {
      RawProfileSeries.Builder series = RawProfileSeries.newBuilder();
      for (String[] l : s.labels) {
        series.addLabels(pair(l[0], l[1]));
      }
      series.addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(s.payload)));
      return encode(s.door, PushRequest.newBuilder().addSeries(series).build());
    }
    if (s.door.multipart()) {
      return s.door == Door.INGEST_JFR_MULTIPART
          ? form(BOUNDARY, new Object[] {"jfr", "jfr", s.payload}, new Object[] {"labels", "labels", s.labelsPart})
          : form(BOUNDARY, new Object[] {"profile", "profile.pprof", s.payload});
    }
    return s.payload;
  }

  private byte[] payloadForm(Door door, byte[] payload) {
    Spec s = spec(door);
    s.payload = payload;
    return body(s);
  }

  private static byte[] encode(Door door, PushRequest push) {
    if (door != Door.PUSH_JSON) {
      return push.toByteArray();
    }
    try {
      return JsonFormat.printer().print(push).getBytes(UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] otlpBytes(Door door, ExportProfilesServiceRequest r) {
    if (door.kind != Kind.OTLP_JSON) {
      return r.toByteArray();
    }
    try {
      return JsonFormat.printer().print(r).getBytes(UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ExportProfilesServiceRequest retimed(ExportProfilesServiceRequest r, long timeNanos) {
    ExportProfilesServiceRequest.Builder b = r.toBuilder();
    for (ResourceProfiles.Builder rp : b.getResourceProfilesBuilderList()) {
      for (ScopeProfiles.Builder sp : rp.getScopeProfilesBuilderList()) {
        for (var p : sp.getProfilesBuilderList()) {
          p.setTimeUnixNano(timeNanos);
        }
      }
    }
    return b.build();
  }

  private static ExportProfilesServiceRequest withResourceAttribute(ExportProfilesServiceRequest r, String key,
      String value) {
    ExportProfilesServiceRequest.Builder b = r.toBuilder();
    b.getResourceProfilesBuilder(0).getResourceBuilder().addAttributes(
        KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)));
    return b.build();
  }

  private static Profile parsePprof(byte[] raw) {
    try {
      return Profile.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static LabelPair pair(String name, String value) {
    return LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  /** multipart/form-data with file parts {field, filename, bytes}; null bytes leave a part out. */
  static byte[] form(String boundary, Object[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object[] p : parts) {
      if (p[2] == null) {
        continue;
      }
      out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p[0] + "\"; filename=\"" + p[1]
          + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(UTF_8));
      out.writeBytes((byte[]) p[2]);
      out.writeBytes("\r\n".getBytes(UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(UTF_8));
    return out.toByteArray();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static Map<String, Long> stacks(String folded) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : folded.split("\n")) {
      int sp = line.lastIndexOf(' ');
      if (sp > 0) {
        out.merge(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).strip()), Long::sum);
      }
    }
    return out;
  }

  // A transport trie whose root's children each hold one whole stack as their key fragment.
  private static byte[] trie(Map<String, Long> stacks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    uvarint(out, 0);
    uvarint(out, 0);
    uvarint(out, stacks.size());
    stacks.forEach((stack, n) -> {
      byte[] key = stack.getBytes(UTF_8);
      uvarint(out, key.length);
      out.writeBytes(key);
      uvarint(out, n);
      uvarint(out, 0);
    });
    return out.toByteArray();
  }

  // A legacy tree: pre-order nodes (name, self, child count), the root unnamed.
  private static byte[] tree(Map<String, Long> stacks) {
    TreeNode root = new TreeNode();
    stacks.forEach((stack, n) -> {
      TreeNode node = root;
      for (String frame : stack.split(";", -1)) {
        node = node.children.computeIfAbsent(frame, k -> new TreeNode());
      }
      node.self += n;
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    root.write(out, "");
    return out.toByteArray();
  }

  private static final class TreeNode {
    final Map<String, TreeNode> children = new TreeMap<>();
    long self;

    void write(ByteArrayOutputStream out, String name) {
      byte[] b = name.getBytes(UTF_8);
      uvarint(out, b.length);
      out.writeBytes(b);
      uvarint(out, self);
      uvarint(out, children.size());
      children.forEach((k, v) -> v.write(out, k));
    }
  }

  private static void uvarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, UTF_8);
  }

  private static String percent(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%%%02X", b & 0xff));
    }
    return sb.toString();
  }

  /** {@code data} with the only occurrence of {@code marker} replaced. */
  private static byte[] replace(byte[] data, byte[] marker, byte[] replacement) {
    for (int i = 0; i + marker.length <= data.length; i++) {
      if (Arrays.equals(data, i, i + marker.length, marker, 0, marker.length)) {
        return concat(Arrays.copyOf(data, i), replacement, Arrays.copyOfRange(data, i + marker.length, data.length));
      }
    }
    throw new IllegalStateException("marker not found");
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
