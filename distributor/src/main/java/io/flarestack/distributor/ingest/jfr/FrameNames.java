package io.flarestack.distributor.ingest.jfr;

import java.util.IdentityHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;

/**
 * Frame names as Pyroscope renders JFR frames: {@code <class>.<method>} with the class name in
 * the JVM's internal form ({@code java/lang/Thread.run}); native and kernel frames have the
 * library (or nothing) as class ({@code libc.so.6.__libc_read}, {@code .clear_page_erms}).
 * Names of generated classes and libraries that differ from run to run are merged so that their
 * frames aggregate: {@code GeneratedMethodAccessor<n>} and {@code $$Lambda$<n>.<address>} become
 * {@code GeneratedMethodAccessor_} and {@code $$Lambda_}, temporary native libraries of zstd-jni,
 * Amazon Corretto Crypto Provider and pyroscope's async-profiler get one name each.
 *
 * <p>The JDK reader shares one object per constant-pool entry, so names are computed once per
 * method and cached by identity. Not thread-safe: one instance per parsed recording.
 */
final class FrameNames {
  private static final String ACCESSOR_PREFIX = "jdk/internal/reflect/GeneratedMethodAccessor";
  private static final Pattern ACCESSOR = Pattern.compile("^(jdk/internal/reflect/GeneratedMethodAccessor)\\d+$");
  private static final Pattern LAMBDA = Pattern.compile("^(.+\\$\\$Lambda)\\$\\d+[./](0x[\\da-f]+|\\d+)$");
  private static final Pattern ZSTD_JNI =
      Pattern.compile("^(\\.?/tmp/)?(libzstd-jni-\\d+\\.\\d+\\.\\d+-)(\\d+)(\\.so)( \\(deleted\\))?$");
  private static final Pattern CORRETTO = Pattern.compile("^(\\.?/tmp/)?(lib)?(amazonCorrettoCryptoProvider)"
      + "(NativeLibraries\\.)?([0-9a-f]{16})(/libcrypto|/libamazonCorrettoCryptoProvider)?(\\.so)( \\(deleted\\))?$");
  private static final Pattern ASYNC_PROFILER = Pattern.compile("^(\\.?/tmp/)?(libasyncProfiler)"
      + "-(linux-arm64|linux-musl-x64|linux-x64|macos)-(17b9a1d8156277a98ccc871afa9a8f69215f92)(\\.so)( \\(deleted\\))?$");

  private final IdentityHashMap<RecordedMethod, String> methods = new IdentityHashMap<>();
  private final IdentityHashMap<RecordedClass, String> classes = new IdentityHashMap<>();

  /** The frame's name, or null when it has no method or no class (Pyroscope drops such frames). */
  String name(RecordedFrame frame) {
    RecordedMethod m = frame.getMethod();
    if (m == null) {
      return null;
    }
    String name = methods.get(m);
    if (name == null && !methods.containsKey(m)) {
      name = render(m);
      methods.put(m, name);
    }
    return name;
  }

  private String render(RecordedMethod m) {
    RecordedClass c = m.getType();
    if (c == null) {
      return null;
    }
    String cls = classes.get(c);
    if (cls == null) {
      // getName() would turn the internal '/' separators into '.', which is not how Pyroscope
      // names frames and cannot be undone for library names such as libc.so.6.
      Object raw = c.getValue("name");
      cls = mergeGenerated(raw == null ? "" : raw.toString());
      classes.put(c, cls);
    }
    String method = m.getName();
    return cls + "." + (method == null ? "" : method);
  }

  /** Merges the run-specific parts of generated class and temporary library names. */
  static String mergeGenerated(String name) {
    if (name.startsWith(ACCESSOR_PREFIX)) {
      name = replace(ACCESSOR, name, "$1_");
    }
    if (name.contains("$$Lambda$")) {
      name = replace(LAMBDA, name, "$1_");
    }
    if (name.contains("libzstd-jni-")) {
      name = replace(ZSTD_JNI, name, "libzstd-jni-_.so");
    }
    if (name.contains("amazonCorrettoCryptoProvider")) {
      name = replace(CORRETTO, name, "libamazonCorrettoCryptoProvider_.so");
    }
    if (name.contains("libasyncProfiler-")) {
      name = replace(ASYNC_PROFILER, name, "libasyncProfiler-_.so");
    }
    return name;
  }

  private static String replace(Pattern p, String s, String replacement) {
    Matcher m = p.matcher(s);
    return m.matches() ? m.replaceFirst(replacement) : s;
  }
}
