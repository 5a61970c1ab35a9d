package io.flarestack.compactor;

import io.flarestack.common.config.ConfigValues;
import io.flarestack.common.config.Option;
import io.flarestack.common.config.ValueTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the compactor (YAML block {@code compactor}). The compactor is not built yet
 * ({@code -target=compactor} only joins the compactor ring): the keys are declared and validated
 * now so that Pyroscope configuration files load unchanged, and each is marked
 * {@linkplain Option#withNoEffectYet as having no effect yet} until the compactor reads them.
 */
public record CompactorConfig(List<Duration> blockRanges, String dataDir, Duration compactionInterval) {
  public static final String MODULE = "compactor";

  private static final String NOT_BUILT = "the compactor is not built yet";

  public static final Option<List<String>> BLOCK_RANGES = Option.stringList(
      "compactor.block_ranges", "compactor.block-ranges", List.of("1h", "2h", "8h"),
      "List of compaction time ranges; each must divide the next.").withNoEffectYet(NOT_BUILT);
  public static final Option<String> DATA_DIR = Option.string(
      "compactor.data_dir", "compactor.data-dir", "./data-compactor",
      "Directory for temporary files during compaction; need not persist.").withNoEffectYet(NOT_BUILT);
  public static final Option<Duration> COMPACTION_INTERVAL = Option.duration(
      "compactor.compaction_interval", "compactor.compaction-interval", Duration.ofMinutes(30),
      "How often compaction runs.").withNoEffectYet(NOT_BUILT);

  public static List<Option<?>> options() {
    return List.of(BLOCK_RANGES, DATA_DIR, COMPACTION_INTERVAL);
  }

  /** Reads the config; block ranges that don't parse are reported by {@link #validate(ConfigValues)}. */
  public static CompactorConfig from(ConfigValues v) {
    List<Duration> ranges = new ArrayList<>();
    for (String r : v.get(BLOCK_RANGES)) {
      try {
        ranges.add(ValueTypes.parseDuration(r));
      } catch (IllegalArgumentException e) {
        // reported by validate()
      }
    }
    return new CompactorConfig(List.copyOf(ranges), v.get(DATA_DIR), v.get(COMPACTION_INTERVAL));
  }

  /** Problems with the block ranges: each a duration, positive, dividing the next. */
  public static List<String> validate(ConfigValues v) {
    List<String> problems = new ArrayList<>();
    Duration previous = null;
    for (String r : v.get(BLOCK_RANGES)) {
      Duration d;
      try {
        d = ValueTypes.parseDuration(r);
      } catch (IllegalArgumentException e) {
        problems.add(BLOCK_RANGES.describe() + ": " + e.getMessage());
        continue;
      }
      if (d.isZero() || d.isNegative()) {
        problems.add(BLOCK_RANGES.describe() + ": range " + r + " must be positive");
      } else if (previous != null && d.toNanos() % previous.toNanos() != 0) {
        problems.add(BLOCK_RANGES.describe() + ": range " + r + " is not a multiple of the previous range "
            + ValueTypes.formatDuration(previous));
      }
      previous = d;
    }
    return problems;
  }
}
