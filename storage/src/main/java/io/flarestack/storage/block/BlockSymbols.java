package io.flarestack.storage.block;

import io.flarestack.storage.query.Symbols;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One decoded symbol partition of a block: the tables as dense arrays. Decoding checks every
 * cross reference, so queries over it cannot index out of range. Immutable and thread-safe.
 */
final class BlockSymbols implements Symbols {
  private static final int HAS_FUNCTIONS = 1;
  private static final int HAS_FILENAMES = 2;
  private static final int HAS_LINE_NUMBERS = 4;
  private static final int HAS_INLINE_FRAMES = 8;

  private final String[] strings;
  private final int[] fnName;
  private final int[] fnSystemName;
  private final int[] fnFilename;
  private final long[] fnStartLine;
  private final long[] mapStart;
  private final long[] mapLimit;
  private final long[] mapOffset;
  private final int[] mapFilename;
  private final int[] mapBuildId;
  private final byte[] mapFlags;
  private final int[] locMapping;
  private final long[] locAddress;
  private final boolean[] locFolded;
  private final int[] locLineStart;
  private final int[] lineFunction;
  private final long[] lineNumber;
  private final int[] stackParent;
  private final int[] stackLocation;

  private BlockSymbols(String[] strings, int[] fnName, int[] fnSystemName, int[] fnFilename, long[] fnStartLine,
      long[] mapStart, long[] mapLimit, long[] mapOffset, int[] mapFilename, int[] mapBuildId, byte[] mapFlags,
      int[] locMapping, long[] locAddress, boolean[] locFolded, int[] locLineStart, int[] lineFunction,
      long[] lineNumber, int[] stackParent, int[] stackLocation) {
    this.strings = strings;
    this.fnName = fnName;
    this.fnSystemName = fnSystemName;
    this.fnFilename = fnFilename;
    this.fnStartLine = fnStartLine;
    this.mapStart = mapStart;
    this.mapLimit = mapLimit;
    this.mapOffset = mapOffset;
    this.mapFilename = mapFilename;
    this.mapBuildId = mapBuildId;
    this.mapFlags = mapFlags;
    this.locMapping = locMapping;
    this.locAddress = locAddress;
    this.locFolded = locFolded;
    this.locLineStart = locLineStart;
    this.lineFunction = lineFunction;
    this.lineNumber = lineNumber;
    this.stackParent = stackParent;
    this.stackLocation = stackLocation;
  }

  /** Approximate heap footprint, for caches and measurements. */
  long estimatedBytes() {
    long b = 0;
    for (String s : strings) {
      b += 48 + s.length();
    }
    b += fnName.length * 28L + mapStart.length * 45L + locMapping.length * 21L + lineFunction.length * 12L
        + stackParent.length * 8L;
    return b;
  }

  /** Encodes a partition's tables (the raw bytes of its section). */
  static byte[] encode(Symbols v) {
    ByteSink s = new ByteSink(1 << 16);
    int ns = v.stringCount();
    s.uvarint(ns);
    byte[][] utf8 = new byte[ns][];
    for (int i = 0; i < ns; i++) {
      utf8[i] = v.string(i).getBytes(StandardCharsets.UTF_8);
      s.uvarint(utf8[i].length);
    }
    for (byte[] b : utf8) {
      s.bytes(b);
    }
    int nf = v.functionCount();
    s.uvarint(nf);
    for (int i = 0; i < nf; i++) {
      s.uvarint(v.functionName(i));
    }
    for (int i = 0; i < nf; i++) {
      s.uvarint(v.functionSystemName(i));
    }
    for (int i = 0; i < nf; i++) {
      s.uvarint(v.functionFilename(i));
    }
    for (int i = 0; i < nf; i++) {
      s.svarint(v.functionStartLine(i));
    }
    int nm = v.mappingCount();
    s.uvarint(nm);
    for (int i = 0; i < nm; i++) {
      s.uvarint(v.mappingMemoryStart(i));
    }
    for (int i = 0; i < nm; i++) {
      s.uvarint(v.mappingMemoryLimit(i));
    }
    for (int i = 0; i < nm; i++) {
      s.uvarint(v.mappingFileOffset(i));
    }
    for (int i = 0; i < nm; i++) {
      s.uvarint(v.mappingFilename(i));
    }
    for (int i = 0; i < nm; i++) {
      s.uvarint(v.mappingBuildId(i));
    }
    for (int i = 0; i < nm; i++) {
      s.u8((v.mappingHasFunctions(i) ? HAS_FUNCTIONS : 0) | (v.mappingHasFilenames(i) ? HAS_FILENAMES : 0)
          | (v.mappingHasLineNumbers(i) ? HAS_LINE_NUMBERS : 0) | (v.mappingHasInlineFrames(i) ? HAS_INLINE_FRAMES : 0));
    }
    int nl = v.locationCount();
    s.uvarint(nl);
    for (int i = 0; i < nl; i++) {
      s.uvarint(v.locationMapping(i) + 1L);
    }
    long prev = 0;
    for (int i = 0; i < nl; i++) {
      long a = v.locationAddress(i);
      s.svarint(a - prev);
      prev = a;
    }
    for (int i = 0; i < nl; i++) {
      s.u8(v.locationFolded(i) ? 1 : 0);
    }
    for (int i = 0; i < nl; i++) {
      s.uvarint(v.locationLineCount(i));
    }
    for (int i = 0; i < nl; i++) {
      for (int j = 0; j < v.locationLineCount(i); j++) {
        s.uvarint(v.locationLineFunction(i, j));
      }
    }
    for (int i = 0; i < nl; i++) {
      for (int j = 0; j < v.locationLineCount(i); j++) {
        s.svarint(v.locationLineNumber(i, j));
      }
    }
    int nn = v.stackNodeCount();
    s.uvarint(nn);
    for (int i = 1; i < nn; i++) {
      s.uvarint(i - v.stackParent(i));
    }
    for (int i = 1; i < nn; i++) {
      s.uvarint(v.stackLocation(i));
    }
    return s.toByteArray();
  }

  /**
   * Decodes a section written by {@link #encode}.
   *
   * @throws CorruptBlockException on any structural problem or dangling reference
   */
  static BlockSymbols decode(byte[] raw, String what) {
    ByteSource s = new ByteSource(raw, what);
    long limit = raw.length;
    int ns = s.count(limit);
    int[] lens = new int[ns];
    for (int i = 0; i < ns; i++) {
      lens[i] = s.count(limit);
    }
    String[] strings = new String[ns];
    for (int i = 0; i < ns; i++) {
      strings[i] = new String(s.bytes(lens[i]), StandardCharsets.UTF_8);
    }
    int nf = s.count(limit);
    int[] fnName = refs(s, nf, ns, what, "function name");
    int[] fnSystemName = refs(s, nf, ns, what, "function system name");
    int[] fnFilename = refs(s, nf, ns, what, "function file name");
    long[] fnStartLine = new long[nf];
    for (int i = 0; i < nf; i++) {
      fnStartLine[i] = s.svarint();
    }
    int nm = s.count(limit);
    long[] mapStart = longs(s, nm);
    long[] mapLimit = longs(s, nm);
    long[] mapOffset = longs(s, nm);
    int[] mapFilename = refs(s, nm, ns, what, "mapping file name");
    int[] mapBuildId = refs(s, nm, ns, what, "mapping build id");
    byte[] mapFlags = new byte[nm];
    for (int i = 0; i < nm; i++) {
      mapFlags[i] = (byte) s.u8();
    }
    int nl = s.count(limit);
    int[] locMapping = new int[nl];
    for (int i = 0; i < nl; i++) {
      locMapping[i] = s.count(nm) - 1;
    }
    long[] locAddress = new long[nl];
    long prev = 0;
    for (int i = 0; i < nl; i++) {
      prev += s.svarint();
      locAddress[i] = prev;
    }
    boolean[] locFolded = new boolean[nl];
    for (int i = 0; i < nl; i++) {
      locFolded[i] = s.u8() != 0;
    }
    int[] locLineStart = new int[nl + 1];
    for (int i = 0; i < nl; i++) {
      locLineStart[i + 1] = locLineStart[i] + s.count(limit);
      if (locLineStart[i + 1] > limit) {
        throw new CorruptBlockException(what + ": more lines than bytes");
      }
    }
    int lines = locLineStart[nl];
    int[] lineFunction = refs(s, lines, nf, what, "line function");
    long[] lineNumber = new long[lines];
    for (int i = 0; i < lines; i++) {
      lineNumber[i] = s.svarint();
    }
    int nn = s.count(limit);
    if (nn < 1) {
      throw new CorruptBlockException(what + ": the stack tree has no root");
    }
    int[] parent = new int[nn];
    int[] location = new int[nn];
    parent[0] = -1;
    location[0] = -1;
    for (int i = 1; i < nn; i++) {
      long d = s.uvarint();
      if (d < 1 || d > i) {
        throw new CorruptBlockException(what + ": stack node " + i + " has parent offset " + d);
      }
      parent[i] = (int) (i - d);
    }
    for (int i = 1; i < nn; i++) {
      location[i] = s.count(nl - 1L);
    }
    return new BlockSymbols(strings, fnName, fnSystemName, fnFilename, fnStartLine, mapStart, mapLimit, mapOffset,
        mapFilename, mapBuildId, mapFlags, locMapping, locAddress, locFolded, locLineStart, lineFunction, lineNumber,
        parent, location);
  }

  private static int[] refs(ByteSource s, int n, int bound, String what, String field) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      long v = s.uvarint();
      if (v < 0 || v >= bound) {
        throw new CorruptBlockException(what + ": " + field + " " + i + " refers to " + v + " of " + bound);
      }
      out[i] = (int) v;
    }
    return out;
  }

  private static long[] longs(ByteSource s, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.uvarint();
    }
    return out;
  }

  @Override
  public int stringCount() {
    return strings.length;
  }

  @Override
  public String string(int id) {
    return strings[id];
  }

  @Override
  public int functionCount() {
    return fnName.length;
  }

  @Override
  public int functionName(int id) {
    return fnName[id];
  }

  @Override
  public int functionSystemName(int id) {
    return fnSystemName[id];
  }

  @Override
  public int functionFilename(int id) {
    return fnFilename[id];
  }

  @Override
  public long functionStartLine(int id) {
    return fnStartLine[id];
  }

  @Override
  public int mappingCount() {
    return mapStart.length;
  }

  @Override
  public long mappingMemoryStart(int id) {
    return mapStart[id];
  }

  @Override
  public long mappingMemoryLimit(int id) {
    return mapLimit[id];
  }

  @Override
  public long mappingFileOffset(int id) {
    return mapOffset[id];
  }

  @Override
  public int mappingFilename(int id) {
    return mapFilename[id];
  }

  @Override
  public int mappingBuildId(int id) {
    return mapBuildId[id];
  }

  @Override
  public boolean mappingHasFunctions(int id) {
    return (mapFlags[id] & HAS_FUNCTIONS) != 0;
  }

  @Override
  public boolean mappingHasFilenames(int id) {
    return (mapFlags[id] & HAS_FILENAMES) != 0;
  }

  @Override
  public boolean mappingHasLineNumbers(int id) {
    return (mapFlags[id] & HAS_LINE_NUMBERS) != 0;
  }

  @Override
  public boolean mappingHasInlineFrames(int id) {
    return (mapFlags[id] & HAS_INLINE_FRAMES) != 0;
  }

  @Override
  public int locationCount() {
    return locMapping.length;
  }

  @Override
  public int locationMapping(int id) {
    return locMapping[id];
  }

  @Override
  public long locationAddress(int id) {
    return locAddress[id];
  }

  @Override
  public boolean locationFolded(int id) {
    return locFolded[id];
  }

  @Override
  public int locationLineCount(int id) {
    return locLineStart[id + 1] - locLineStart[id];
  }

  @Override
  public int locationLineFunction(int id, int j) {
    return lineFunction[locLineStart[id] + Objects.checkIndex(j, locationLineCount(id))];
  }

  @Override
  public long locationLineNumber(int id, int j) {
    return lineNumber[locLineStart[id] + Objects.checkIndex(j, locationLineCount(id))];
  }

  @Override
  public int stackNodeCount() {
    return stackParent.length;
  }

  @Override
  public int stackParent(int node) {
    return stackParent[node];
  }

  @Override
  public int stackLocation(int node) {
    return stackLocation[node];
  }
}
