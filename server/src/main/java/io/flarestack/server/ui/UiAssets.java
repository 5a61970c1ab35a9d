package io.flarestack.server.ui;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.io.Gzip;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI's files as the {@code ui} module packs them: classpath resources under a prefix
 * ({@code flarestack-ui/}). Files are read on first use and kept, with a gzipped copy for text,
 * so repeated requests cost no I/O or compression; only files that exist are cached, so random
 * paths cannot grow the cache. Thread-safe.
 */
public final class UiAssets {
  /** Where the ui module's build puts the files. */
  public static final String DEFAULT_PREFIX = "flarestack-ui/";
  static final String BASE_PLACEHOLDER = "__FLARESTACK_BASE__";

  /**
   * One file.
   *
   * @param gzipped the gzipped body, or null when compression does not pay
   */
  public record Asset(String contentType, byte[] body, byte[] gzipped) {
    public Asset {
      requireNonNull(contentType, "contentType is null");
      requireNonNull(body, "body is null");
    }
  }

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("wasm", "application/wasm"));

  private final ClassLoader loader;
  private final String prefix;
  private final String basePath;
  private final Map<String, Asset> cache = new ConcurrentHashMap<>();
  private volatile Asset index;

  /**
   * @param loader where the files are
   * @param prefix the resource folder, ending in {@code /}
   * @param basePath the URL path the UI is served under, e.g. {@code /}; written into index.html's
   *     {@code <base href>} so the UI's relative URLs work under a sub-path
   */
  public UiAssets(ClassLoader loader, String prefix, String basePath) {
    this.loader = requireNonNull(loader, "loader is null");
    this.prefix = requireNonNull(prefix, "prefix is null");
    this.basePath = normalizeBase(requireNonNull(basePath, "basePath is null"));
  }

  /** index.html with its base filled in, or null when the UI was not built into this jar. */
  public Asset index() {
    Asset i = index;
    if (i == null) {
      byte[] raw = read("index.html");
      if (raw == null) {
        return null;
      }
      String html = new String(raw, StandardCharsets.UTF_8).replace(BASE_PLACEHOLDER, basePath);
      i = asset("index.html", html.getBytes(StandardCharsets.UTF_8));
      index = i;
    }
    return i;
  }

  /**
   * A file by its path relative to the UI root ({@code assets/index-x.js}), or null when there
   * is none or the path is not a plain relative path (no {@code ..}, no empty segments).
   */
  public Asset file(String relative) {
    if (!safe(relative)) {
      return null;
    }
    Asset a = cache.get(relative);
    if (a != null) {
      return a;
    }
    byte[] raw = read(relative);
    if (raw == null) {
      return null;
    }
    a = asset(relative, raw);
    cache.put(relative, a);
    return a;
  }

  static boolean safe(String p) {
    if (p.isEmpty() || p.startsWith("/") || p.endsWith("/") || p.indexOf('\\') >= 0 || p.indexOf('\0') >= 0) {
      return false;
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  static String contentType(String path) {
    int dot = path.lastIndexOf('.');
    String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static Asset asset(String path, byte[] body) {
    String type = contentType(path);
    boolean text = type.startsWith("text/") || type.startsWith("application/json") || type.equals("image/svg+xml")
        || type.equals("application/wasm");
    byte[] gz = text && body.length > 1024 ? Gzip.gzipFast(body) : null;
    return new Asset(type, body, gz != null && gz.length < body.length ? gz : null);
  }

  private byte[] read(String relative) {
    try (InputStream in = loader.getResourceAsStream(prefix + relative)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read UI file " + prefix + relative, e);
    }
  }

  private static String normalizeBase(String base) {
    String b = base.startsWith("/") ? base : "/" + base;
    return b.endsWith("/") ? b : b + "/";
  }
}
