package io.flarestack.storage.block;

import io.flarestack.storage.query.Symbols;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code symbols.sym}: one zstd-compressed section per symbol partition (service), with a TOC
 * naming each partition's service, its section and its table sizes. A query fetches the footer
 * and TOC once per block, then only the sections of the partitions it touches. See
 * docs/block-format.md.
 */
final class SymbolsFile {
  static final byte[] MAGIC = {'F', 'S', 'S', 'Y', 'M', 0, 0, 1};

  /** One partition's TOC entry. */
  record Partition(String service, SectionFile.Section section, int strings, int functions, int mappings,
      int locations, int stackNodes) {}

  private SymbolsFile() {}

  /** Writes the partitions in order; their position is the partition ordinal. */
  static long write(OutputStream out, List<String> services, List<? extends Symbols> partitions) throws IOException {
    SectionFile.Writer w = new SectionFile.Writer(out, MAGIC);
    ByteSink toc = new ByteSink(256);
    toc.uvarint(partitions.size());
    for (int i = 0; i < partitions.size(); i++) {
      Symbols v = partitions.get(i);
      SectionFile.Section s = w.add(BlockSymbols.encode(v));
      toc.string(services.get(i));
      s.writeTo(toc);
      toc.uvarint(v.stringCount());
      toc.uvarint(v.functionCount());
      toc.uvarint(v.mappingCount());
      toc.uvarint(v.locationCount());
      toc.uvarint(v.stackNodeCount());
    }
    return w.finish(toc.toByteArray());
  }

  static List<Partition> readToc(RangeReader file, String what) throws IOException {
    byte[] raw = SectionFile.readToc(file, MAGIC, what);
    ByteSource s = new ByteSource(raw, what + " TOC");
    int n = s.count(raw.length);
    List<Partition> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String service = s.string();
      SectionFile.Section section = SectionFile.Section.readFrom(s);
      out.add(new Partition(service, section, s.count(Integer.MAX_VALUE), s.count(Integer.MAX_VALUE),
          s.count(Integer.MAX_VALUE), s.count(Integer.MAX_VALUE), s.count(Integer.MAX_VALUE)));
    }
    return out;
  }

  static BlockSymbols readPartition(RangeReader file, Partition p, String what) throws IOException {
    String where = what + " partition " + p.service();
    BlockSymbols sym = BlockSymbols.decode(SectionFile.readSection(file, p.section(), where), where);
    if (sym.stackNodeCount() != p.stackNodes() || sym.locationCount() != p.locations()) {
      throw new CorruptBlockException(where + ": tables disagree with the TOC");
    }
    return sym;
  }
}
