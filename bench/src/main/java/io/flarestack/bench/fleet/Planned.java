package io.flarestack.bench.fleet;

import static java.util.Objects.requireNonNull;

/**
 * One scheduled upload.
 *
 * @param seq position in the schedule (0, 1, ...)
 * @param pod who uploads
 * @param kind what
 * @param timeNanos the profile's time (its {@code time_nanos}, {@code from} on {@code /ingest})
 */
public record Planned(long seq, Fleet.Pod pod, Kind kind, long timeNanos) {
  public Planned {
    requireNonNull(pod, "pod is null");
    requireNonNull(kind, "kind is null");
  }
}
