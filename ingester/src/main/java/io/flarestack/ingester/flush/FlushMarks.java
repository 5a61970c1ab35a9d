package io.flarestack.ingester.flush;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which write-ahead log records are already in blocks on disk, so replay does not apply them
 * again: per tenant and head window, the highest LSN whose profiles (for that window) a written
 * block holds. A head cut at LSN L holds every profile of its window logged up to L that no
 * earlier block of that window holds, so one number per window suffices. Also keeps the LSN
 * floor, so LSNs never repeat even after every segment was deleted. Stored in
 * {@code <data>/flushed.json}, replaced atomically. Thread-safe.
 */
final class FlushMarks {
  static final String FILE = "flushed.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Map<Long, Long>> covered = new HashMap<>();
  private long lsnFloor;

  record Mark(@JsonProperty("tenant") String tenant, @JsonProperty("window") long windowStartNanos,
      @JsonProperty("lsn") long lsn) {}

  record Stored(@JsonProperty("nextLsn") long nextLsn, @JsonProperty("covered") List<Mark> covered) {}

  private FlushMarks(Path file) {
    this.file = file;
  }

  /**
   * @throws IOException naming the file when it exists but cannot be read
   */
  static FlushMarks load(Path dataDir) throws IOException {
    FlushMarks m = new FlushMarks(dataDir.resolve(FILE));
    if (Files.exists(m.file)) {
      Stored s;
      try {
        s = JSON.readValue(Files.readAllBytes(m.file), Stored.class);
      } catch (IOException e) {
        throw new IOException("cannot read " + m.file + ": " + e.getMessage(), e);
      }
      m.lsnFloor = s.nextLsn();
      if (s.covered() != null) {
        for (Mark mark : s.covered()) {
          m.covered.computeIfAbsent(mark.tenant(), t -> new HashMap<>()).merge(mark.windowStartNanos(), mark.lsn(),
              Math::max);
        }
      }
    }
    return m;
  }

  /** The smallest LSN new records may use. */
  synchronized long lsnFloor() {
    return lsnFloor;
  }

  /** Whether the profiles of record {@code lsn} for this tenant and window are in a block already. */
  synchronized boolean covers(String tenant, long windowStartNanos, long lsn) {
    Map<Long, Long> t = covered.get(tenant);
    Long l = t == null ? null : t.get(windowStartNanos);
    return l != null && lsn <= l;
  }

  /** Records a block and persists the marks before returning. */
  synchronized void record(String tenant, long windowStartNanos, long lsn, long nextLsn) throws IOException {
    covered.computeIfAbsent(tenant, t -> new HashMap<>()).merge(windowStartNanos, lsn, Math::max);
    lsnFloor = Math.max(lsnFloor, nextLsn);
    save();
  }

  /** Forgets marks below the oldest LSN still in the log (no record can need them). */
  synchronized void prune(long oldestLsn, long nextLsn) throws IOException {
    boolean changed = false;
    for (Map<Long, Long> windows : covered.values()) {
      changed |= windows.values().removeIf(l -> oldestLsn < 0 || l < oldestLsn);
    }
    changed |= covered.values().removeIf(Map::isEmpty);
    if (nextLsn > lsnFloor) {
      lsnFloor = nextLsn;
      changed = true;
    }
    if (changed) {
      save();
    }
  }

  synchronized int size() {
    int n = 0;
    for (Map<Long, Long> w : covered.values()) {
      n += w.size();
    }
    return n;
  }

  private void save() throws IOException {
    List<Mark> marks = new ArrayList<>();
    covered.forEach((t, windows) -> windows.forEach((w, l) -> marks.add(new Mark(t, w, l))));
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(new Stored(lsnFloor, marks)));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
