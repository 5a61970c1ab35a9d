package io.flarestack.ingester.head;

import java.util.Arrays;

/**
 * A partition's de-duplicated functions, keyed by content (name, system name, file name,
 * start line; names as partition string ids). Columnar; writer-side, guarded by the partition
 * lock.
 */
final class FunctionTable implements IdHashTable.Probe {
  int[] name = new int[128];
  int[] systemName = new int[128];
  int[] filename = new int[128];
  long[] startLine = new long[128];
  private int size;
  private final IdHashTable index = new IdHashTable(128);
  private int pName;
  private int pSystemName;
  private int pFilename;
  private long pStartLine;

  int intern(int nameId, int systemNameId, int filenameId, long start) {
    pName = nameId;
    pSystemName = systemNameId;
    pFilename = filenameId;
    pStartLine = start;
    int h = IdHashTable.hashLong(31 * (31 * nameId + systemNameId) + filenameId, start);
    int id = index.find(h, this);
    if (id >= 0) {
      return id;
    }
    if (size == name.length) {
      int cap = size * 2;
      name = Arrays.copyOf(name, cap);
      systemName = Arrays.copyOf(systemName, cap);
      filename = Arrays.copyOf(filename, cap);
      startLine = Arrays.copyOf(startLine, cap);
    }
    name[size] = nameId;
    systemName[size] = systemNameId;
    filename[size] = filenameId;
    startLine[size] = start;
    index.add(h, size);
    return size++;
  }

  @Override
  public boolean matches(int id) {
    return name[id] == pName && systemName[id] == pSystemName && filename[id] == pFilename
        && startLine[id] == pStartLine;
  }

  int size() {
    return size;
  }

  long estimatedBytes() {
    return name.length * 20L + index.estimatedBytes();
  }
}
