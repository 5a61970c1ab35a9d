package io.flarestack.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this build is: version and revision (filtered into {@code flarestack-build.properties} by
 * Maven), and the Java runtime it runs on.
 */
public record BuildInfo(String version, String revision, String branch, String buildDate, String javaVersion) {
  public static BuildInfo load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/flarestack-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new BuildInfo(
        clean(p.getProperty("version")), clean(p.getProperty("revision")), clean(p.getProperty("branch")),
        clean(p.getProperty("buildDate")), System.getProperty("java.version", "unknown"));
  }

  private static String clean(String v) {
    return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
  }

  /** The {@code /api/v1/status/buildinfo} body, in Pyroscope's shape. */
  public String toJson() {
    return "{\"status\":\"success\",\"data\":{\"version\":\"" + version + "\",\"revision\":\"" + revision
        + "\",\"branch\":\"" + branch + "\",\"buildUser\":\"\",\"buildDate\":\"" + buildDate
        + "\",\"goVersion\":\"java" + javaVersion + "\"}}";
  }
}
