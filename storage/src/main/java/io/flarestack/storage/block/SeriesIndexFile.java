package io.flarestack.storage.block;

import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code series.idx}: the block's series in {@code profiles.parquet} order (sorted by labels),
 * each with its labels, fingerprint, symbol partition, period, row count (rows are contiguous,
 * so the first row is the sum of the counts before) and time bounds. Two sections in a
 * {@link SectionFile}: the distinct label strings, then the series. See docs/block-format.md.
 */
final class SeriesIndexFile {
  static final byte[] MAGIC = {'F', 'S', 'I', 'D', 'X', 0, 0, 1};

  private SeriesIndexFile() {}

  static long write(OutputStream out, List<IndexedSeries> series) throws IOException {
    Map<String, Integer> ids = new HashMap<>();
    List<String> strings = new ArrayList<>();
    ByteSink body = new ByteSink(series.size() * 64 + 16);
    body.uvarint(series.size());
    long prevMin = 0;
    for (IndexedSeries s : series) {
      Labels l = s.labels();
      body.uvarint(l.size());
      for (int i = 0; i < l.size(); i++) {
        body.uvarint(intern(ids, strings, l.name(i)));
        body.uvarint(intern(ids, strings, l.value(i)));
      }
      body.u64(s.fingerprint());
      body.uvarint(s.partition());
      body.svarint(s.period());
      body.uvarint(s.rowCount());
      body.svarint(s.minTimeNanos() - prevMin);
      body.uvarint(s.maxTimeNanos() - s.minTimeNanos());
      prevMin = s.minTimeNanos();
    }
    ByteSink stringSection = new ByteSink(strings.size() * 16 + 8);
    stringSection.uvarint(strings.size());
    for (String s : strings) {
      stringSection.string(s);
    }
    SectionFile.Writer w = new SectionFile.Writer(out, MAGIC);
    SectionFile.Section a = w.add(stringSection.toByteArray());
    SectionFile.Section b = w.add(body.toByteArray());
    ByteSink toc = new ByteSink(64);
    toc.uvarint(2);
    a.writeTo(toc);
    b.writeTo(toc);
    return w.finish(toc.toByteArray());
  }

  private static int intern(Map<String, Integer> ids, List<String> strings, String s) {
    Integer id = ids.get(s);
    if (id == null) {
      id = strings.size();
      strings.add(s);
      ids.put(s, id);
    }
    return id;
  }

  /**
   * @throws CorruptBlockException on any structural problem
   */
  static List<IndexedSeries> read(RangeReader file, String what) throws IOException {
    ByteSource toc = new ByteSource(SectionFile.readToc(file, MAGIC, what), what + " TOC");
    if (toc.count(16) != 2) {
      throw new CorruptBlockException(what + ": expected 2 sections");
    }
    SectionFile.Section stringSection = SectionFile.Section.readFrom(toc);
    SectionFile.Section seriesSection = SectionFile.Section.readFrom(toc);
    byte[] rawStrings = SectionFile.readSection(file, stringSection, what + " strings");
    ByteSource ss = new ByteSource(rawStrings, what + " strings");
    String[] strings = new String[ss.count(rawStrings.length)];
    for (int i = 0; i < strings.length; i++) {
      strings[i] = ss.string();
    }
    byte[] raw = SectionFile.readSection(file, seriesSection, what + " series");
    ByteSource s = new ByteSource(raw, what + " series");
    int n = s.count(raw.length);
    List<IndexedSeries> out = new ArrayList<>(n);
    long firstRow = 0;
    long prevMin = 0;
    for (int i = 0; i < n; i++) {
      int labels = s.count(raw.length);
      String[] pairs = new String[2 * labels];
      for (int j = 0; j < pairs.length; j++) {
        pairs[j] = strings[s.count(strings.length - 1L)];
      }
      Labels l = Labels.of(pairs);
      String type = l.get(LabelNames.PROFILE_TYPE);
      if (type == null) {
        throw new CorruptBlockException(what + ": series " + i + " has no " + LabelNames.PROFILE_TYPE);
      }
      ProfileType pt;
      try {
        pt = ProfileType.parse(type);
      } catch (RuntimeException e) {
        throw new CorruptBlockException(what + ": series " + i + " has a bad profile type " + type, e);
      }
      long fingerprint = s.u64();
      int partition = s.count(Integer.MAX_VALUE);
      long period = s.svarint();
      int rows = s.count(Integer.MAX_VALUE);
      long min = prevMin + s.svarint();
      long max = min + s.uvarint();
      prevMin = min;
      out.add(new IndexedSeries(l, pt, fingerprint, partition, period, firstRow, rows, min, max));
      firstRow += rows;
    }
    return out;
  }
}
