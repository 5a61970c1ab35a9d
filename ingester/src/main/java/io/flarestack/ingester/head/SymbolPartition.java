package io.flarestack.ingester.head;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The symbols of one service of one tenant: strings, mappings, functions and locations, each
 * de-duplicated by content, and a parent-pointer stack tree. Pushing the same profile twice adds
 * nothing here.
 *
 * <p>Thread-safety: writers serialise on a per-partition lock (pushes for other services never
 * contend). Readers never take it: each insert ends by publishing a new immutable
 * {@link PartitionView} through a volatile field. The view holds the table arrays as they were
 * and their lengths; the writer only ever appends beyond those lengths (growing by copying into
 * fresh arrays), so the elements a view exposes are never written again, and everything the
 * writer stored before the volatile write is visible to a reader after the volatile read.
 */
public final class SymbolPartition {
  private final String service;
  private final ReentrantLock lock = new ReentrantLock();
  private final StringTable strings = new StringTable();
  private final FunctionTable functions = new FunctionTable();
  private final MappingTable mappings = new MappingTable();
  private final LocationTable locations = new LocationTable();
  private final StackTree stacks = new StackTree();
  private volatile PartitionView view;

  // Content hashes of locations and stack nodes, extended on demand (cumulative series only).
  private final Object hashLock = new Object();
  private long[] locationKeys = new long[0];
  private long[] nodeKeys = new long[0];
  private int hashedLocations;
  private int hashedNodes;

  // Writer scratch, reused across inserts under the lock.
  private int[] stackBuf = new int[128];
  private int[] lineFunctions = new int[16];
  private long[] lineNumbers = new long[16];

  SymbolPartition(String service) {
    this.service = requireNonNull(service, "service is null");
    this.view = new PartitionView(service, strings, functions, mappings, locations, stacks);
  }

  public String service() {
    return service;
  }

  /** The latest published snapshot; never blocks. */
  public PartitionView view() {
    return view;
  }

  /**
   * Inserts the symbols the profile's samples reference and resolves every sample's stack.
   * Only symbols reachable from a sample are stored.
   *
   * @return the stack id of each sample, in sample order
   */
  int[] insert(ValidatedProfile vp) {
    Profile p = vp.profile();
    int[] stackIds = new int[p.getSampleCount()];
    lock.lock();
    try {
      Resolver r = new Resolver(vp);
      for (int i = 0; i < stackIds.length; i++) {
        Sample s = p.getSample(i);
        int depth = s.getLocationIdCount();
        if (depth > stackBuf.length) {
          stackBuf = new int[Math.max(depth, stackBuf.length * 2)];
        }
        // pprof lists locations leaf first; the tree is built root first.
        for (int j = 0; j < depth; j++) {
          stackBuf[depth - 1 - j] = r.location(vp.locationIndex(s.getLocationId(j)));
        }
        stackIds[i] = stacks.insert(stackBuf, depth);
      }
      view = new PartitionView(service, strings, functions, mappings, locations, stacks);
    } finally {
      lock.unlock();
    }
    return stackIds;
  }

  /**
   * A 64-bit hash of each stack's content (its frames' function names, file names, lines,
   * addresses and mappings, root to leaf), equal for equal stacks in any partition. The ids must
   * already be in the partition.
   */
  long[] stackKeys(int[] stackIds) {
    PartitionView v = view;
    synchronized (hashLock) {
      int locations = v.locationCount();
      if (hashedLocations < locations) {
        locationKeys = Arrays.copyOf(locationKeys, Math.max(locations, locationKeys.length * 2));
        for (int l = hashedLocations; l < locations; l++) {
          locationKeys[l] = locationKey(v, l);
        }
        hashedLocations = locations;
      }
      int nodes = v.stackNodeCount();
      if (hashedNodes < nodes) {
        nodeKeys = Arrays.copyOf(nodeKeys, Math.max(nodes, nodeKeys.length * 2));
        for (int n = hashedNodes; n < nodes; n++) {
          nodeKeys[n] = n == 0 ? 0x9e3779b97f4a7c15L : mix(nodeKeys[v.stackParent(n)] * 31 + locationKeys[v.stackLocation(n)]);
        }
        hashedNodes = nodes;
      }
      long[] out = new long[stackIds.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = nodeKeys[stackIds[i]];
      }
      return out;
    }
  }

  private static long locationKey(PartitionView v, int l) {
    long h = hash(0xcbf29ce484222325L, v.locationAddress(l));
    h = hash(h, v.locationFolded(l) ? 1 : 0);
    int m = v.locationMapping(l);
    if (m >= 0) {
      h = hash(h, v.string(v.mappingFilename(m)));
      h = hash(h, v.string(v.mappingBuildId(m)));
    }
    for (int j = 0; j < v.locationLineCount(l); j++) {
      int f = v.locationLineFunction(l, j);
      h = hash(h, v.string(v.functionName(f)));
      h = hash(h, v.string(v.functionSystemName(f)));
      h = hash(h, v.string(v.functionFilename(f)));
      h = hash(h, v.locationLineNumber(l, j));
    }
    return mix(h);
  }

  private static long hash(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return (h ^ 0xff) * 0x100000001b3L;
  }

  private static long hash(long h, long x) {
    return (h ^ x) * 0x100000001b3L;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  /** Maps one profile's ids to partition ids, lazily and once each. */
  private final class Resolver {
    private final ValidatedProfile vp;
    private final Profile p;
    private final int[] stringMap;
    private final int[] functionMap;
    private final int[] mappingMap;
    private final int[] locationMap;

    Resolver(ValidatedProfile vp) {
      this.vp = vp;
      this.p = vp.profile();
      stringMap = filled(p.getStringTableCount());
      functionMap = filled(p.getFunctionCount());
      mappingMap = filled(p.getMappingCount());
      locationMap = filled(p.getLocationCount());
    }

    int location(int index) {
      int id = locationMap[index];
      if (id >= 0) {
        return id;
      }
      Location l = p.getLocation(index);
      int mapping = l.getMappingId() == 0 ? -1 : mapping(vp.mappingIndex(l.getMappingId()));
      int n = l.getLineCount();
      if (n > lineFunctions.length) {
        lineFunctions = new int[n];
        lineNumbers = new long[n];
      }
      for (int j = 0; j < n; j++) {
        Line line = l.getLine(j);
        lineFunctions[j] = function(vp.functionIndex(line.getFunctionId()));
        lineNumbers[j] = line.getLine();
      }
      id = locations.intern(mapping, l.getAddress(), l.getIsFolded(), lineFunctions, lineNumbers, n);
      locationMap[index] = id;
      return id;
    }

    private int function(int index) {
      int id = functionMap[index];
      if (id < 0) {
        Function f = p.getFunction(index);
        id = functions.intern(string(f.getName()), string(f.getSystemName()), string(f.getFilename()),
            f.getStartLine());
        functionMap[index] = id;
      }
      return id;
    }

    private int mapping(int index) {
      int id = mappingMap[index];
      if (id < 0) {
        Mapping m = p.getMapping(index);
        int flags = (m.getHasFunctions() ? MappingTable.HAS_FUNCTIONS : 0)
            | (m.getHasFilenames() ? MappingTable.HAS_FILENAMES : 0)
            | (m.getHasLineNumbers() ? MappingTable.HAS_LINE_NUMBERS : 0)
            | (m.getHasInlineFrames() ? MappingTable.HAS_INLINE_FRAMES : 0);
        id = mappings.intern(m.getMemoryStart(), m.getMemoryLimit(), m.getFileOffset(), string(m.getFilename()),
            string(m.getBuildId()), flags);
        mappingMap[index] = id;
      }
      return id;
    }

    private int string(long index) {
      int i = (int) index;
      int id = stringMap[i];
      if (id < 0) {
        id = strings.intern(p.getStringTable(i));
        stringMap[i] = id;
      }
      return id;
    }

    private int[] filled(int n) {
      int[] a = new int[n];
      Arrays.fill(a, -1);
      return a;
    }
  }
}
