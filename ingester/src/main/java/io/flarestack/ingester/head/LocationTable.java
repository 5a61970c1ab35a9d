package io.flarestack.ingester.head;

import java.util.Arrays;

/**
 * A partition's de-duplicated locations, keyed by content (mapping, address, folded flag and
 * the list of (function, line) pairs, all as partition ids). Lines are stored flat: location
 * {@code i} owns lines {@code [lineStart[i], lineStart[i + 1])}, in pprof order (index 0 is the
 * innermost inlined frame). Writer-side, guarded by the partition lock.
 */
final class LocationTable implements IdHashTable.Probe {
  int[] mapping = new int[256]; // partition mapping id, or -1
  long[] address = new long[256];
  boolean[] folded = new boolean[256];
  int[] lineStart = new int[257];
  int[] lineFunction = new int[512];
  long[] lineNumber = new long[512];
  private int size;
  private int lineCount;
  private final IdHashTable index = new IdHashTable(256);
  private int pMapping;
  private long pAddress;
  private boolean pFolded;
  private int[] pFunctions;
  private long[] pLines;
  private int pLineCount;

  /**
   * Interns a location whose lines are {@code functions[0..n)} / {@code lines[0..n)}; the
   * arrays are the caller's scratch and are copied when the location is new.
   */
  int intern(int mappingId, long addr, boolean isFolded, int[] functions, long[] lines, int n) {
    pMapping = mappingId;
    pAddress = addr;
    pFolded = isFolded;
    pFunctions = functions;
    pLines = lines;
    pLineCount = n;
    int h = IdHashTable.hashLong(31 * mappingId + (isFolded ? 1 : 0), addr);
    for (int i = 0; i < n; i++) {
      h = IdHashTable.hashLong(31 * h + functions[i], lines[i]);
    }
    int id = index.find(h, this);
    if (id >= 0) {
      return id;
    }
    if (size == mapping.length) {
      int cap = size * 2;
      mapping = Arrays.copyOf(mapping, cap);
      address = Arrays.copyOf(address, cap);
      folded = Arrays.copyOf(folded, cap);
      lineStart = Arrays.copyOf(lineStart, cap + 1);
    }
    if (lineCount + n > lineFunction.length) {
      int cap = Math.max(lineFunction.length * 2, lineCount + n);
      lineFunction = Arrays.copyOf(lineFunction, cap);
      lineNumber = Arrays.copyOf(lineNumber, cap);
    }
    System.arraycopy(functions, 0, lineFunction, lineCount, n);
    System.arraycopy(lines, 0, lineNumber, lineCount, n);
    lineCount += n;
    mapping[size] = mappingId;
    address[size] = addr;
    folded[size] = isFolded;
    lineStart[size + 1] = lineCount;
    index.add(h, size);
    return size++;
  }

  @Override
  public boolean matches(int id) {
    if (mapping[id] != pMapping || address[id] != pAddress || folded[id] != pFolded) {
      return false;
    }
    int from = lineStart[id];
    if (lineStart[id + 1] - from != pLineCount) {
      return false;
    }
    for (int i = 0; i < pLineCount; i++) {
      if (lineFunction[from + i] != pFunctions[i] || lineNumber[from + i] != pLines[i]) {
        return false;
      }
    }
    return true;
  }

  int size() {
    return size;
  }

  long estimatedBytes() {
    return mapping.length * 17L + lineFunction.length * 12L + index.estimatedBytes();
  }
}
