package io.flarestack.ingester.head;

import io.flarestack.storage.query.Symbols;
import java.util.Objects;

/**
 * An immutable snapshot of one symbol partition (one service of one tenant): strings,
 * mappings, functions, locations and the stack tree, each a dense id space starting at 0.
 * Functions, mappings and locations refer to strings, functions and mappings of the same
 * partition. Obtained from {@link SymbolPartition#view()} without locking; ids below the
 * counts stay valid and unchanged forever, and every stack id stored in a profile row that was
 * visible before the view was taken is below {@link #stackNodeCount()}.
 *
 * <p>This is the read interface of queries and of the future block writer, which iterates
 * each table from 0 to its count. Thread-safe.
 */
public final class PartitionView implements Symbols {
  private final String service;
  private final String[] strings;
  private final int stringCount;
  private final int[] fnName;
  private final int[] fnSystemName;
  private final int[] fnFilename;
  private final long[] fnStartLine;
  private final int functionCount;
  private final long[] mapStart;
  private final long[] mapLimit;
  private final long[] mapOffset;
  private final int[] mapFilename;
  private final int[] mapBuildId;
  private final int[] mapFlags;
  private final int mappingCount;
  private final int[] locMapping;
  private final long[] locAddress;
  private final boolean[] locFolded;
  private final int[] locLineStart;
  private final int[] lineFunction;
  private final long[] lineNumber;
  private final int locationCount;
  private final int[] stackParent;
  private final int[] stackLocation;
  private final int stackNodeCount;
  private final long stringBytes;
  private final long functionBytes;
  private final long mappingBytes;
  private final long locationBytes;
  private final long stackBytes;

  PartitionView(String service, StringTable s, FunctionTable f, MappingTable m, LocationTable l, StackTree t) {
    this.service = service;
    strings = s.array();
    stringCount = s.size();
    fnName = f.name;
    fnSystemName = f.systemName;
    fnFilename = f.filename;
    fnStartLine = f.startLine;
    functionCount = f.size();
    mapStart = m.memoryStart;
    mapLimit = m.memoryLimit;
    mapOffset = m.fileOffset;
    mapFilename = m.filename;
    mapBuildId = m.buildId;
    mapFlags = m.flags;
    mappingCount = m.size();
    locMapping = l.mapping;
    locAddress = l.address;
    locFolded = l.folded;
    locLineStart = l.lineStart;
    lineFunction = l.lineFunction;
    lineNumber = l.lineNumber;
    locationCount = l.size();
    stackParent = t.parent;
    stackLocation = t.location;
    stackNodeCount = t.size();
    stringBytes = s.estimatedBytes();
    functionBytes = f.estimatedBytes();
    mappingBytes = m.estimatedBytes();
    locationBytes = l.estimatedBytes();
    stackBytes = t.estimatedBytes();
  }

  /** The partition key: the {@code service_name} of the series whose symbols live here. */
  public String service() {
    return service;
  }

  public int stringCount() {
    return stringCount;
  }

  public String string(int id) {
    return strings[Objects.checkIndex(id, stringCount)];
  }

  public int functionCount() {
    return functionCount;
  }

  /** String id of the function's name. */
  public int functionName(int id) {
    return fnName[Objects.checkIndex(id, functionCount)];
  }

  public int functionSystemName(int id) {
    return fnSystemName[Objects.checkIndex(id, functionCount)];
  }

  public int functionFilename(int id) {
    return fnFilename[Objects.checkIndex(id, functionCount)];
  }

  public long functionStartLine(int id) {
    return fnStartLine[Objects.checkIndex(id, functionCount)];
  }

  public int mappingCount() {
    return mappingCount;
  }

  public long mappingMemoryStart(int id) {
    return mapStart[Objects.checkIndex(id, mappingCount)];
  }

  public long mappingMemoryLimit(int id) {
    return mapLimit[Objects.checkIndex(id, mappingCount)];
  }

  public long mappingFileOffset(int id) {
    return mapOffset[Objects.checkIndex(id, mappingCount)];
  }

  /** String id of the mapping's file name. */
  public int mappingFilename(int id) {
    return mapFilename[Objects.checkIndex(id, mappingCount)];
  }

  /** String id of the mapping's build id. */
  public int mappingBuildId(int id) {
    return mapBuildId[Objects.checkIndex(id, mappingCount)];
  }

  public boolean mappingHasFunctions(int id) {
    return (mapFlags[Objects.checkIndex(id, mappingCount)] & MappingTable.HAS_FUNCTIONS) != 0;
  }

  public boolean mappingHasFilenames(int id) {
    return (mapFlags[Objects.checkIndex(id, mappingCount)] & MappingTable.HAS_FILENAMES) != 0;
  }

  public boolean mappingHasLineNumbers(int id) {
    return (mapFlags[Objects.checkIndex(id, mappingCount)] & MappingTable.HAS_LINE_NUMBERS) != 0;
  }

  public boolean mappingHasInlineFrames(int id) {
    return (mapFlags[Objects.checkIndex(id, mappingCount)] & MappingTable.HAS_INLINE_FRAMES) != 0;
  }

  public int locationCount() {
    return locationCount;
  }

  /** The location's mapping id, or -1 when it has none. */
  public int locationMapping(int id) {
    return locMapping[Objects.checkIndex(id, locationCount)];
  }

  public long locationAddress(int id) {
    return locAddress[Objects.checkIndex(id, locationCount)];
  }

  public boolean locationFolded(int id) {
    return locFolded[Objects.checkIndex(id, locationCount)];
  }

  /** Number of lines; 0 for an unsymbolized location. */
  public int locationLineCount(int id) {
    Objects.checkIndex(id, locationCount);
    return locLineStart[id + 1] - locLineStart[id];
  }

  /** Function id of line {@code j} (pprof order: line 0 is the innermost inlined frame). */
  public int locationLineFunction(int id, int j) {
    Objects.checkIndex(id, locationCount);
    int from = locLineStart[id];
    return lineFunction[from + Objects.checkIndex(j, locLineStart[id + 1] - from)];
  }

  public long locationLineNumber(int id, int j) {
    Objects.checkIndex(id, locationCount);
    int from = locLineStart[id];
    return lineNumber[from + Objects.checkIndex(j, locLineStart[id + 1] - from)];
  }

  /** Nodes in the stack tree, the root (node 0, the empty stack) included. */
  public int stackNodeCount() {
    return stackNodeCount;
  }

  /** Parent node ({@code < node}), or -1 for the root. */
  public int stackParent(int node) {
    return stackParent[Objects.checkIndex(node, stackNodeCount)];
  }

  /** Location id of a node, or -1 for the root. */
  public int stackLocation(int node) {
    return stackLocation[Objects.checkIndex(node, stackNodeCount)];
  }

  long stringBytes() {
    return stringBytes;
  }

  long functionBytes() {
    return functionBytes;
  }

  long mappingBytes() {
    return mappingBytes;
  }

  long locationBytes() {
    return locationBytes;
  }

  long stackBytes() {
    return stackBytes;
  }
}
