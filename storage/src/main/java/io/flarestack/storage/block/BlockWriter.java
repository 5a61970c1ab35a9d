package io.flarestack.storage.block;

import static java.util.Objects.requireNonNull;

import io.flarestack.common.model.LabelNames;
import io.flarestack.common.model.Labels;
import io.flarestack.common.model.ProfileType;
import io.flarestack.storage.query.ProfileRowView;
import io.flarestack.storage.query.Symbols;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * Writes one block (one tenant, one time window) into a local directory: {@code profiles.parquet},
 * {@code series.idx}, {@code symbols.sym}, then {@code meta.json} last; every file and the
 * directory are fsynced. Series are sorted by labels and each series' rows by time; symbol
 * partitions are written as given, so the rows' stack ids stay valid. The format is described in
 * docs/block-format.md. Stateless; thread-safe.
 */
public final class BlockWriter {
  /** Parquet page size: small enough that a selective read skips most pages, large enough for zstd (docs/block-format.md). */
  public static final int PAGE_BYTES = 64 << 10;

  private final long rowGroupBytes;

  /** @param rowGroupBytes in-memory size at which a Parquet row group is closed */
  public BlockWriter(long rowGroupBytes) {
    if (rowGroupBytes < 1 << 16) {
      throw new IllegalArgumentException("row group size must be at least 64KiB, got " + rowGroupBytes);
    }
    this.rowGroupBytes = rowGroupBytes;
  }

  /**
   * One series to write.
   *
   * @param labels all its labels, {@code __profile_type__} included
   * @param period the pprof period of its profiles
   * @param partition the key (service) of its symbol partition
   * @param rows its profiles, in any order; their stack ids refer to the partition
   */
  public record SeriesData(Labels labels, long period, String partition, List<? extends ProfileRowView> rows) {
    public SeriesData {
      requireNonNull(labels, "labels is null");
      requireNonNull(partition, "partition is null");
      requireNonNull(rows, "rows is null");
    }
  }

  /**
   * Writes a level-1 block.
   *
   * @param dir the block directory; created, and must not hold a block already
   * @param ulid the block id
   * @param partitions symbols by partition key; every series' partition must be present
   * @return the meta.json written, or null when no series has a row (nothing is written then)
   */
  public BlockMeta write(Path dir, String ulid, List<SeriesData> series, Map<String, ? extends Symbols> partitions)
      throws IOException {
    if (!Ulid.isValid(ulid)) {
      throw new IllegalArgumentException("not a ULID: " + ulid);
    }
    List<SeriesData> sorted = new ArrayList<>();
    for (SeriesData s : series) {
      if (!s.rows().isEmpty()) {
        sorted.add(s);
      }
    }
    if (sorted.isEmpty()) {
      return null;
    }
    sorted.sort(Comparator.comparing(SeriesData::labels));
    TreeMap<String, Integer> partitionIds = new TreeMap<>();
    for (SeriesData s : sorted) {
      if (!partitions.containsKey(s.partition())) {
        throw new IllegalArgumentException("series " + s.labels() + " refers to missing partition " + s.partition());
      }
      partitionIds.put(s.partition(), 0);
    }
    List<String> services = new ArrayList<>(partitionIds.keySet());
    List<Symbols> symbols = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      partitionIds.put(services.get(i), i);
      symbols.add(partitions.get(services.get(i)));
    }

    Files.createDirectories(dir);
    List<IndexedSeries> index = new ArrayList<>(sorted.size());
    long samples = 0;
    long rows = 0;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    Path parquet = dir.resolve(BlockMeta.PROFILES_FILE);
    ParquetWriter<ProfilesTable.Row> writer = ProfilesTable.writer(parquet, rowGroupBytes, PAGE_BYTES);
    try {
      for (int i = 0; i < sorted.size(); i++) {
        SeriesData s = sorted.get(i);
        int nodes = symbols.get(partitionIds.get(s.partition())).stackNodeCount();
        List<? extends ProfileRowView> byTime = new ArrayList<>(s.rows());
        byTime.sort(Comparator.comparingLong(ProfileRowView::timeNanos));
        for (ProfileRowView r : byTime) {
          for (int k = 0; k < r.sampleCount(); k++) {
            if (r.stackId(k) < 0 || r.stackId(k) >= nodes) {
              throw new IllegalStateException("series " + s.labels() + ": stack id " + r.stackId(k)
                  + " is outside partition " + s.partition() + " of " + nodes + " nodes");
            }
          }
          writer.write(new ProfilesTable.Row(i, r));
          samples += r.sampleCount();
        }
        long first = byTime.get(0).timeNanos();
        long last = byTime.get(byTime.size() - 1).timeNanos();
        minTime = Math.min(minTime, first);
        maxTime = Math.max(maxTime, last);
        index.add(new IndexedSeries(s.labels(), profileType(s.labels()), s.labels().fingerprint(),
            partitionIds.get(s.partition()), s.period(), rows, byTime.size(), first, last));
        rows += byTime.size();
      }
    } finally {
      writer.close();
    }
    ParquetMetadata footer = writer.getFooter();
    fsync(parquet);
    write(dir.resolve(BlockMeta.INDEX_FILE), out -> SeriesIndexFile.write(out, index));
    write(dir.resolve(BlockMeta.SYMBOLS_FILE), out -> SymbolsFile.write(out, services, symbols));

    List<BlockMeta.FileInfo> files = List.of(
        new BlockMeta.FileInfo(BlockMeta.INDEX_FILE, Files.size(dir.resolve(BlockMeta.INDEX_FILE)), null),
        new BlockMeta.FileInfo(BlockMeta.PROFILES_FILE, Files.size(parquet),
            new BlockMeta.ParquetInfo(footer.getBlocks().size(), rows)),
        new BlockMeta.FileInfo(BlockMeta.SYMBOLS_FILE, Files.size(dir.resolve(BlockMeta.SYMBOLS_FILE)), null));
    BlockMeta meta = new BlockMeta(ulid, Math.floorDiv(minTime, 1_000_000L), Math.floorDiv(maxTime, 1_000_000L),
        new BlockMeta.Stats(samples, sorted.size(), rows), files,
        new BlockMeta.Compaction(1, List.of(ulid), List.of()), BlockMeta.VERSION, BlockMeta.FORMAT, Map.of(),
        "ingester");
    byte[] json = meta.toJson();
    write(dir.resolve(BlockMeta.META_FILE), out -> {
      out.write(json);
      return json.length;
    });
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    return meta;
  }

  private static ProfileType profileType(Labels labels) {
    String id = labels.get(LabelNames.PROFILE_TYPE);
    if (id == null) {
      throw new IllegalArgumentException("series " + labels + " has no " + LabelNames.PROFILE_TYPE);
    }
    return ProfileType.parse(id);
  }

  private interface Body {
    long writeTo(OutputStream out) throws IOException;
  }

  private static void write(Path path, Body body) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
      body.writeTo(out);
    }
    fsync(path);
  }

  private static void fsync(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
