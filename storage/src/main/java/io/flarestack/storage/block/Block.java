package io.flarestack.storage.block;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.cancel.Cancellation;
import io.flarestack.common.cancel.QueryCancelledException;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.Matcher;
import io.flarestack.objstore.ObjectNotFoundException;
import io.flarestack.storage.query.ProfileSource;
import io.flarestack.storage.query.RowVisitor;
import io.flarestack.storage.query.SelectedSeries;
import io.flarestack.storage.query.Selection;
import io.flarestack.storage.query.SourceUnavailableException;
import io.flarestack.storage.query.Symbols;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block as a {@link ProfileSource}, read lazily with bounded memory. Nothing is read until the
 * first query; then the series index, the symbols TOC and the Parquet footer are loaded and
 * kept (the "header", a few bytes per series). A query reads only the symbol partitions of the
 * series it selects and, from {@code profiles.parquet}, only the pages of their rows in the
 * columns it needs. Never the whole block.
 *
 * <p>Failure: a missing, short or corrupt file makes the block fail once, for good: the
 * listener is told (to log and count it) and every query gets a
 * {@link SourceUnavailableException}, which the query engine answers by skipping the block.
 * Any other read error (a network error, a bucket that does not answer) only skips the block
 * for the query that met it; the next query tries again. Thread-safe.
 */
public final class Block implements ProfileSource {
  private static final Logger log = LoggerFactory.getLogger(Block.class);

  private final BlockMeta meta;
  private final BlockFiles files;
  private final String name;
  private final Consumer<Exception> onFailure;
  private volatile Header header;
  private volatile Exception failure;

  private record Header(List<IndexedSeries> series, List<SymbolsFile.Partition> partitions, RangeReader symbols,
      ProfilesReader profiles, long estimatedBytes) {}

  /**
   * @param name how logs and errors name the block, e.g. {@code tenant/ULID}
   * @param onFailure told once, when the block turns out unreadable
   */
  public Block(BlockMeta meta, BlockFiles files, String name, Consumer<Exception> onFailure) {
    this.meta = requireNonNull(meta, "meta is null");
    this.files = requireNonNull(files, "files is null");
    this.name = requireNonNull(name, "name is null");
    this.onFailure = requireNonNull(onFailure, "onFailure is null");
  }

  public BlockMeta meta() {
    return meta;
  }

  public String name() {
    return name;
  }

  /** Whether the header is loaded. */
  public boolean isOpen() {
    return header != null;
  }

  /** The failure that made the block unreadable, or null. */
  public Exception failure() {
    return failure;
  }

  /** Heap held by the loaded header (0 before the first query). */
  public long headerBytes() {
    Header h = header;
    return h == null ? 0 : h.estimatedBytes();
  }

  /** Whether the block holds profiles in {@code [fromMillis, toMillis]}, by its meta. */
  public boolean overlaps(long fromMillis, long toMillis) {
    return meta.minTime() <= toMillis && meta.maxTime() >= fromMillis;
  }

  /**
   * Loads the header now (otherwise the first query does).
   *
   * @throws SourceUnavailableException when the block cannot be read
   */
  public void open() {
    header();
  }

  private Header header() {
    Header h = header;
    if (h != null) {
      return h;
    }
    synchronized (this) {
      if (header != null) {
        return header;
      }
      checkNotFailed();
      try {
        List<IndexedSeries> series = SeriesIndexFile.read(
            files.open(BlockMeta.INDEX_FILE, meta.fileSize(BlockMeta.INDEX_FILE)), name + "/" + BlockMeta.INDEX_FILE);
        RangeReader symbolsFile = files.open(BlockMeta.SYMBOLS_FILE, meta.fileSize(BlockMeta.SYMBOLS_FILE));
        List<SymbolsFile.Partition> partitions = SymbolsFile.readToc(symbolsFile, name + "/" + BlockMeta.SYMBOLS_FILE);
        ProfilesReader profiles = ProfilesReader.open(
            files.open(BlockMeta.PROFILES_FILE, meta.fileSize(BlockMeta.PROFILES_FILE)),
            name + "/" + BlockMeta.PROFILES_FILE);
        long rows = 0;
        long bytes = 256;
        for (IndexedSeries s : series) {
          if (s.partition() >= partitions.size()) {
            throw new CorruptBlockException(name + ": series " + s.labels() + " refers to partition " + s.partition()
                + " of " + partitions.size());
          }
          rows += s.rowCount();
          bytes += 128 + 80L * s.labels().size();
        }
        if (rows != profiles.rowCount() || rows != meta.stats().numProfiles()) {
          throw new CorruptBlockException(name + ": the series index covers " + rows + " rows, profiles.parquet has "
              + profiles.rowCount() + ", meta.json says " + meta.stats().numProfiles());
        }
        bytes += partitions.size() * 96L + 2048L * profiles.rowGroupCount();
        h = new Header(List.copyOf(series), List.copyOf(partitions), symbolsFile, profiles, bytes);
        header = h;
        return h;
      } catch (IOException | RuntimeException e) {
        throw fail(e);
      }
    }
  }

  private void checkNotFailed() {
    Exception f = failure;
    if (f != null) {
      throw new SourceUnavailableException("block " + name + " is unreadable: " + f.getMessage(), f);
    }
  }

  private synchronized SourceUnavailableException fail(Exception e) {
    if (e instanceof SourceUnavailableException s) {
      return s;
    }
    if (!permanent(e)) {
      log.warn("block {} could not be read for this query (retried by the next one): {}", name, e.toString());
      return new SourceUnavailableException("block " + name + " could not be read: " + e.getMessage(), e);
    }
    if (failure == null) {
      failure = e;
      onFailure.accept(e);
    }
    return new SourceUnavailableException("block " + name + " is unreadable: " + e.getMessage(), e);
  }

  /** Whether the error is in the block's files themselves (it will not go away by retrying). */
  private static boolean permanent(Exception e) {
    return e instanceof CorruptBlockException || e instanceof ObjectNotFoundException || e instanceof EOFException
        || e instanceof NoSuchFileException || e instanceof IllegalArgumentException;
  }

  @Override
  public SourceStats stats() {
    if (failure != null || meta.stats().numProfiles() == 0) {
      return SourceStats.NONE;
    }
    return new SourceStats(true, meta.minTime() * 1_000_000L, meta.maxTime() * 1_000_000L + 999_999L);
  }

  @Override
  public Selection select(List<Matcher> matchers, long fromNanos, long toNanos, boolean exact) {
    checkNotFailed();
    if (fromNanos > toNanos || !overlaps(Math.floorDiv(fromNanos, 1_000_000L), Math.floorDiv(toNanos, 1_000_000L))) {
      return new BlockSelection(header, List.of());
    }
    Header h = header();
    Cancellation cancel = Cancellation.current();
    List<Integer> picked = new ArrayList<>();
    List<Integer> partial = new ArrayList<>();
    for (int i = 0; i < h.series().size(); i++) {
      cancel.checkNow(); // matchers can be costly per series
      IndexedSeries s = h.series().get(i);
      if (s.maxTimeNanos() < fromNanos || s.minTimeNanos() > toNanos || !matches(s.labels(), matchers)) {
        continue;
      }
      if (exact && (s.minTimeNanos() < fromNanos || s.maxTimeNanos() > toNanos)) {
        partial.add(i);
      } else {
        picked.add(i);
      }
    }
    if (!partial.isEmpty()) {
      picked.addAll(withRowsIn(h, partial, fromNanos, toNanos));
      picked.sort(null);
    }
    return new BlockSelection(h, List.copyOf(picked));
  }

  private static boolean matches(Labels labels, List<Matcher> matchers) {
    for (Matcher m : matchers) {
      if (!m.matches(labels.getOrEmpty(m.name()))) {
        return false;
      }
    }
    return true;
  }

  /** Of the given series, those with a row in the range, by reading only their time column. */
  private List<Integer> withRowsIn(Header h, List<Integer> candidates, long from, long to) {
    boolean[] hit = new boolean[h.series().size()];
    long[] a = new long[candidates.size()];
    long[] b = new long[candidates.size()];
    for (int k = 0; k < candidates.size(); k++) {
      IndexedSeries s = h.series().get(candidates.get(k));
      a[k] = s.firstRow();
      b[k] = s.firstRow() + s.rowCount();
    }
    try {
      h.profiles().scan(a, b, false, false, row -> {
        if (row.timeNanos() >= from && row.timeNanos() <= to && row.series() < hit.length) {
          hit[row.series()] = true;
        }
      });
    } catch (QueryCancelledException e) {
      throw e; // not a fault of the block
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
    List<Integer> out = new ArrayList<>();
    for (int i : candidates) {
      if (hit[i]) {
        out.add(i);
      }
    }
    return out;
  }

  private final class BlockSelection implements Selection {
    private final Header h;
    private final List<Integer> indexes;
    private final List<SelectedSeries> series;
    private final Symbols[] symbols;

    BlockSelection(Header h, List<Integer> indexes) {
      this.h = h;
      this.indexes = indexes;
      List<SelectedSeries> out = new ArrayList<>(indexes.size());
      for (int i : indexes) {
        IndexedSeries s = h.series().get(i);
        out.add(new SelectedSeries(s.labels(), s.profileType(), s.period(), s.partition()));
      }
      this.series = List.copyOf(out);
      this.symbols = new Symbols[h == null ? 0 : h.partitions().size()];
    }

    @Override
    public List<SelectedSeries> series() {
      return series;
    }

    @Override
    public int partitionCount() {
      return symbols.length;
    }

    @Override
    public Symbols symbols(int partition) {
      Symbols s = symbols[partition];
      if (s == null) {
        checkNotFailed();
        try {
          s = SymbolsFile.readPartition(h.symbols(), h.partitions().get(partition), name + "/" + BlockMeta.SYMBOLS_FILE);
        } catch (IOException | RuntimeException e) {
          throw fail(e);
        }
        symbols[partition] = s;
      }
      return s;
    }

    @Override
    public void scan(boolean samples, boolean spans, RowVisitor visitor) {
      if (indexes.isEmpty()) {
        return;
      }
      checkNotFailed();
      int[] selectedOf = new int[h.series().size()];
      Arrays.fill(selectedOf, -1);
      long[] from = new long[indexes.size()];
      long[] to = new long[indexes.size()];
      int ranges = 0;
      for (int k = 0; k < indexes.size(); k++) {
        IndexedSeries s = h.series().get(indexes.get(k));
        selectedOf[indexes.get(k)] = k;
        long a = s.firstRow();
        long b = a + s.rowCount();
        if (ranges > 0 && to[ranges - 1] == a) {
          to[ranges - 1] = b; // adjacent series: one range
        } else {
          from[ranges] = a;
          to[ranges++] = b;
        }
      }
      long[] f = Arrays.copyOf(from, ranges);
      long[] t = Arrays.copyOf(to, ranges);
      try {
        h.profiles().scan(f, t, samples, spans, row -> {
          int s = row.series();
          if (s < 0 || s >= selectedOf.length || selectedOf[s] < 0) {
            throw new CorruptBlockException(name + ": a row of series " + s + " lies in the rows of another series");
          }
          visitor.row(selectedOf[s], row);
        });
      } catch (IOException | CorruptBlockException e) {
        throw fail(e);
      }
    }
  }
}
