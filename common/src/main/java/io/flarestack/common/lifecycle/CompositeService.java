package io.flarestack.common.lifecycle;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Several services run as one module: started in the given order, stopped in reverse; healthy
 * only when every part is. Used where a component owns helpers with their own lifecycle (an
 * ingester and its ring lifecycler, a distributor and its client pool).
 */
public final class CompositeService extends AbstractService {
  private final List<Service> parts;
  private final List<Service> started = new ArrayList<>();

  public CompositeService(String name, List<Service> parts) {
    super(name);
    this.parts = List.copyOf(requireNonNull(parts, "parts is null"));
  }

  @Override
  protected void doStart() throws Exception {
    for (Service s : parts) {
      s.start();
      synchronized (started) {
        started.add(s);
      }
    }
  }

  @Override
  protected void doStop() {
    List<Service> reverse;
    synchronized (started) {
      reverse = new ArrayList<>(started);
      started.clear();
    }
    Collections.reverse(reverse);
    for (Service s : reverse) {
      s.stop();
    }
  }

  @Override
  public boolean isHealthy() {
    if (state() != State.RUNNING) {
      return false;
    }
    for (Service s : parts) {
      if (!s.isHealthy()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String unhealthyReason() {
    if (state() != State.RUNNING) {
      return "service " + name() + " is " + state();
    }
    for (Service s : parts) {
      String r = s.unhealthyReason();
      if (r != null) {
        return r;
      }
    }
    return null;
  }
}
