package io.flarestack.ingester.head;

import java.util.Arrays;

/**
 * A partition's de-duplicated mappings, keyed by content (address range, offset, file and
 * build id as partition string ids, the four has_* flags). Columnar; writer-side, guarded by the
 * partition lock.
 */
final class MappingTable implements IdHashTable.Probe {
  static final int HAS_FUNCTIONS = 1;
  static final int HAS_FILENAMES = 2;
  static final int HAS_LINE_NUMBERS = 4;
  static final int HAS_INLINE_FRAMES = 8;

  long[] memoryStart = new long[16];
  long[] memoryLimit = new long[16];
  long[] fileOffset = new long[16];
  int[] filename = new int[16];
  int[] buildId = new int[16];
  int[] flags = new int[16];
  private int size;
  private final IdHashTable index = new IdHashTable(16);
  private long pStart;
  private long pLimit;
  private long pOffset;
  private int pFilename;
  private int pBuildId;
  private int pFlags;

  int intern(long start, long limit, long offset, int filenameId, int buildIdId, int flagBits) {
    pStart = start;
    pLimit = limit;
    pOffset = offset;
    pFilename = filenameId;
    pBuildId = buildIdId;
    pFlags = flagBits;
    int h = IdHashTable.hashLong(IdHashTable.hashLong(IdHashTable.hashLong(31 * (31 * filenameId + buildIdId) + flagBits,
        start), limit), offset);
    int id = index.find(h, this);
    if (id >= 0) {
      return id;
    }
    if (size == memoryStart.length) {
      int cap = size * 2;
      memoryStart = Arrays.copyOf(memoryStart, cap);
      memoryLimit = Arrays.copyOf(memoryLimit, cap);
      fileOffset = Arrays.copyOf(fileOffset, cap);
      filename = Arrays.copyOf(filename, cap);
      buildId = Arrays.copyOf(buildId, cap);
      flags = Arrays.copyOf(flags, cap);
    }
    memoryStart[size] = start;
    memoryLimit[size] = limit;
    fileOffset[size] = offset;
    filename[size] = filenameId;
    buildId[size] = buildIdId;
    flags[size] = flagBits;
    index.add(h, size);
    return size++;
  }

  @Override
  public boolean matches(int id) {
    return memoryStart[id] == pStart && memoryLimit[id] == pLimit && fileOffset[id] == pOffset
        && filename[id] == pFilename && buildId[id] == pBuildId && flags[id] == pFlags;
  }

  int size() {
    return size;
  }

  long estimatedBytes() {
    return memoryStart.length * 36L + index.estimatedBytes();
  }
}
