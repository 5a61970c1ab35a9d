package io.flarestack.storage.query;

/**
 * Read access to one symbol partition (one service of one tenant, in a head or in a block):
 * strings, mappings, functions, locations and the parent-pointer stack tree, each a dense id
 * space from 0 to its count. Functions, mappings and locations refer to strings, functions and
 * mappings of the same partition. A stack id is the index of its leaf node; node 0 is the root
 * (the empty stack) and {@code stackParent(i) < i} for every other node, so a forward pass
 * visits parents first. Implementations are immutable snapshots and thread-safe.
 */
public interface Symbols {
  int stringCount();

  String string(int id);

  int functionCount();

  /** String id of the function's name. */
  int functionName(int id);

  int functionSystemName(int id);

  int functionFilename(int id);

  long functionStartLine(int id);

  int mappingCount();

  long mappingMemoryStart(int id);

  long mappingMemoryLimit(int id);

  long mappingFileOffset(int id);

  /** String id of the mapping's file name. */
  int mappingFilename(int id);

  /** String id of the mapping's build id. */
  int mappingBuildId(int id);

  boolean mappingHasFunctions(int id);

  boolean mappingHasFilenames(int id);

  boolean mappingHasLineNumbers(int id);

  boolean mappingHasInlineFrames(int id);

  int locationCount();

  /** The location's mapping id, or -1 when it has none. */
  int locationMapping(int id);

  long locationAddress(int id);

  boolean locationFolded(int id);

  /** Number of lines; 0 for an unsymbolized location. */
  int locationLineCount(int id);

  /** Function id of line {@code j} (pprof order: line 0 is the innermost inlined frame). */
  int locationLineFunction(int id, int j);

  long locationLineNumber(int id, int j);

  /** Nodes in the stack tree, the root included. */
  int stackNodeCount();

  /** Parent node ({@code < node}), or -1 for the root. */
  int stackParent(int node);

  /** Location id of a node, or -1 for the root. */
  int stackLocation(int node);
}
