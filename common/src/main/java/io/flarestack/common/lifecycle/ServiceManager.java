package io.flarestack.common.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the services of resolved modules and runs them: started in dependency order, stopped
 * in reverse. A failed start stops what already runs and rethrows. Thread-safe.
 */
public final class ServiceManager {
  private static final Logger log = LoggerFactory.getLogger(ServiceManager.class);

  private final List<Module> modules;
  private final List<Service> services = new ArrayList<>();
  private volatile boolean stopped;
  private volatile boolean started;

  public ServiceManager(List<Module> modules) {
    this.modules = List.copyOf(requireNonNull(modules, "modules is null"));
  }

  /**
   * Creates each module's service (in order, so a factory sees the objects its dependencies
   * created) and starts them one by one.
   */
  public synchronized void start() throws Exception {
    List<Service> created = new ArrayList<>();
    for (Module m : modules) {
      Service s = m.factory().get();
      if (s != null) {
        created.add(s);
      }
    }
    for (Service s : created) {
      try {
        log.info("starting service {}", s.name());
        s.start();
        services.add(s);
      } catch (Exception e) {
        log.error("service {} failed to start", s.name(), e);
        stop();
        throw e;
      }
    }
    started = true;
  }

  /** Stops every started service, last started first. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    List<Service> reverse = new ArrayList<>(services);
    Collections.reverse(reverse);
    for (Service s : reverse) {
      log.info("stopping service {}", s.name());
      s.stop();
    }
  }

  /** The started services, in start order. */
  public synchronized List<Service> services() {
    return List.copyOf(services);
  }

  /** Reasons the process is not ready; empty when every service is healthy. */
  public List<String> notReadyReasons() {
    List<String> reasons = new ArrayList<>();
    List<Service> snapshot;
    synchronized (this) {
      if (!started || stopped) {
        reasons.add(stopped ? "shutting down" : "starting");
      }
      snapshot = List.copyOf(services);
    }
    for (Service s : snapshot) {
      String r = s.unhealthyReason();
      if (r != null) {
        reasons.add(r);
      }
    }
    return reasons;
  }
}
