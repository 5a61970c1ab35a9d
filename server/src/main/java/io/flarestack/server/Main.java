package io.flarestack.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.flarestack.common.config.ConfigException;
import io.flarestack.common.config.ConfigHelp;
import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.common.metrics.PyroscopeNamingConvention;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single executable: {@code flarestack [-target=all] [-config.file=...] [flags]}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
  }

  /** Runs until SIGTERM/SIGINT; returns the exit code (0 after a clean shutdown). */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    FlarestackConfig config;
    try {
      config = FlarestackConfig.load(args, env);
    } catch (ConfigException e) {
      err.println("flarestack: invalid configuration:");
      for (String p : e.problems()) {
        err.println("  " + p);
      }
      err.println("Run with -help for the list of flags.");
      return 1;
    }
    BuildInfo build = BuildInfo.load();
    if (config.values().get(FlarestackConfig.HELP)) {
      out.print(ConfigHelp.render(FlarestackConfig.options()));
      return 0;
    }
    if (config.values().get(FlarestackConfig.VERSION)) {
      out.println("flarestack, version " + build.version() + " (revision: " + build.revision() + ", branch: "
          + build.branch() + ")\n  build date: " + build.buildDate() + "\n  java version: " + build.javaVersion());
      return 0;
    }
    if (config.values().get(FlarestackConfig.MODULES)) {
      for (String m : Targets.VISIBLE) {
        out.println(m + (Targets.IN_ALL.contains(m) ? " *" : ""));
      }
      out.println("\nModules marked with * are included in target all.");
      return 0;
    }
    setLogLevel(config.logLevel());
    for (String warning : noEffectWarnings(config.values())) {
      log.warn(warning);
    }

    Flarestack app = new Flarestack(config, newRegistry(build), Clock.systemUTC(), build);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      log.info("received shutdown signal, stopping");
      app.stop();
      stopped.countDown();
    }, "flarestack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      app.start();
    } catch (Exception e) {
      log.error("failed to start: {}", e.getMessage(), e);
      err.println("flarestack: failed to start: " + e.getMessage());
      return 1;
    }
    log.info("Flarestack {} started: targets={} http=:{} grpc=:{}", build.version(), config.targets(),
        app.httpPort(), app.grpcPort());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * One warning per option that the YAML file or a flag set although nothing uses it yet
   * ({@link Option#withNoEffectYet}), naming the option and why it has no effect.
   */
  static List<String> noEffectWarnings(ConfigValues values) {
    List<String> warnings = new ArrayList<>();
    for (Option<?> o : values.setWithoutEffect()) {
      warnings.add(o.describe() + " is set but has no effect yet (it is accepted for compatibility with Pyroscope): "
          + o.noEffectYet());
    }
    return warnings;
  }

  /** The process-wide registry with Pyroscope's naming, JVM metrics and {@code pyroscope_build_info}. */
  public static PrometheusMeterRegistry newRegistry(BuildInfo build) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().namingConvention(new PyroscopeNamingConvention());
    // An Info metric renders as Pyroscope's gauge pyroscope_build_info{...} 1; a Micrometer gauge
    // cannot carry the reserved _info suffix.
    Info.builder().name("pyroscope_build")
        .help("A metric with a constant '1' value labeled by version, revision, branch and the runtime version.")
        .labelNames("version", "revision", "branch", "goversion")
        .register(registry.getPrometheusRegistry())
        .setLabelValues(build.version(), build.revision(), build.branch(), "java" + build.javaVersion());
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    // Not Micrometer's ProcessorMetrics: its process_cpu_time_ns_total and system_cpu_count fail
    // promtool's lint. The conventional process_cpu_seconds_total instead.
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("Total user and system CPU time spent in seconds.").register(registry);
    }
    new UptimeMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    return registry;
  }

  private static void setLogLevel(String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
