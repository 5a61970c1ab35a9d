package io.flarestack.distributor.otlp;

import io.opentelemetry.proto.profiles.v1development.Line;
import io.opentelemetry.proto.profiles.v1development.Location;
import io.opentelemetry.proto.profiles.v1development.ProfilesDictionary;

/**
 * The pprof {@code has_*} flags of every dictionary mapping, from all the locations that point to
 * it: a mapping has functions (is symbolized) only when each of its locations has lines and every
 * line names a function; likewise for file names and line numbers; it has inline frames when some
 * location has more than one line. Symbolized mappings lose their addresses in the converted
 * pprof, as Pyroscope's normalisation does: they carry no information once frames have names,
 * and would only split identical stacks. Immutable once computed.
 */
final class MappingFlags {
  private static final int FUNCTIONS = 1;
  private static final int FILENAMES = 2;
  private static final int LINE_NUMBERS = 4;
  private static final int INLINE = 8;

  private final int[] flags;

  private MappingFlags(int[] flags) {
    this.flags = flags;
  }

  /** One pass over the location table; locations with a mapping index out of range are ignored here. */
  static MappingFlags of(ProfilesDictionary d) {
    int n = d.getMappingTableCount();
    int[] flags = new int[n];
    java.util.Arrays.fill(flags, FUNCTIONS | FILENAMES | LINE_NUMBERS);
    for (Location l : d.getLocationTableList()) {
      int m = l.getMappingIndex();
      if (m < 0 || m >= n) {
        continue;
      }
      if (l.getLinesCount() == 0) {
        flags[m] &= ~(FUNCTIONS | FILENAMES | LINE_NUMBERS);
        continue;
      }
      if (l.getLinesCount() > 1) {
        flags[m] |= INLINE;
      }
      for (Line line : l.getLinesList()) {
        int f = line.getFunctionIndex();
        if (f <= 0 || f >= d.getFunctionTableCount()) {
          flags[m] &= ~(FUNCTIONS | FILENAMES);
        } else if (d.getFunctionTable(f).getFilenameStrindex() <= 0) {
          flags[m] &= ~FILENAMES;
        }
        if (line.getLine() <= 0) {
          flags[m] &= ~LINE_NUMBERS;
        }
      }
    }
    return new MappingFlags(flags);
  }

  boolean hasFunctions(int mapping) {
    return (flags[mapping] & FUNCTIONS) != 0;
  }

  boolean hasFilenames(int mapping) {
    return (flags[mapping] & FILENAMES) != 0;
  }

  boolean hasLineNumbers(int mapping) {
    return (flags[mapping] & LINE_NUMBERS) != 0;
  }

  boolean hasInlineFrames(int mapping) {
    return (flags[mapping] & INLINE) != 0;
  }
}
