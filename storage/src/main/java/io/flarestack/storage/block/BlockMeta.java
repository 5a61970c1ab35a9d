package io.flarestack.storage.block;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A block's {@code meta.json}: identity, time range, counts, files and lineage, in Pyroscope's
 * field names (see docs/block-format.md). A block is complete exactly when its meta.json
 * exists: writers upload it last. Immutable.
 *
 * @param ulid the block id, also its directory name
 * @param minTime the oldest profile, Unix milliseconds
 * @param maxTime the newest profile, Unix milliseconds (inclusive)
 * @param version the Flarestack block format version ({@link #VERSION})
 * @param format always {@link #FORMAT}; tells Flarestack blocks from Pyroscope's
 * @param labels external labels (none for ingester blocks)
 * @param source who wrote it: {@code ingester} or {@code compactor}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlockMeta(
    @JsonProperty("ulid") String ulid,
    @JsonProperty("minTime") long minTime,
    @JsonProperty("maxTime") long maxTime,
    @JsonProperty("stats") Stats stats,
    @JsonProperty("files") List<FileInfo> files,
    @JsonProperty("compaction") Compaction compaction,
    @JsonProperty("version") int version,
    @JsonProperty("format") String format,
    @JsonProperty("labels") Map<String, String> labels,
    @JsonProperty("source") String source) {
  public static final int VERSION = 1;
  public static final String FORMAT = "flarestack";
  public static final String META_FILE = "meta.json";
  public static final String PROFILES_FILE = "profiles.parquet";
  public static final String INDEX_FILE = "series.idx";
  public static final String SYMBOLS_FILE = "symbols.sym";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Counts over the whole block. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Stats(
      @JsonProperty("numSamples") long numSamples,
      @JsonProperty("numSeries") long numSeries,
      @JsonProperty("numProfiles") long numProfiles) {}

  /** One data file of the block, by its path relative to the block directory. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FileInfo(
      @JsonProperty("relPath") String relPath,
      @JsonProperty("sizeBytes") long sizeBytes,
      @JsonProperty("parquet") ParquetInfo parquet) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ParquetInfo(
      @JsonProperty("numRowGroups") int numRowGroups,
      @JsonProperty("numRows") long numRows) {}

  /**
   * Lineage: level 1 for an ingester block; a compacted block lists the level-1 blocks it
   * contains in {@code sources} and its direct inputs in {@code parents}.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Compaction(
      @JsonProperty("level") int level,
      @JsonProperty("sources") List<String> sources,
      @JsonProperty("parents") List<Parent> parents) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Parent(
      @JsonProperty("ulid") String ulid,
      @JsonProperty("minTime") long minTime,
      @JsonProperty("maxTime") long maxTime) {}

  /** The size of a file of this block. */
  public long fileSize(String relPath) {
    for (FileInfo f : files) {
      if (f.relPath().equals(relPath)) {
        return f.sizeBytes();
      }
    }
    throw new CorruptBlockException("block " + ulid + ": meta.json lists no file " + relPath);
  }

  /** The level-1 blocks whose profiles this block holds (itself for a level-1 block). */
  public List<String> sourceBlocks() {
    return compaction == null || compaction.sources() == null || compaction.sources().isEmpty()
        ? List.of(ulid) : compaction.sources();
  }

  /** Sum of all file sizes, meta.json excluded. */
  public long totalBytes() {
    long sum = 0;
    for (FileInfo f : files) {
      sum += f.sizeBytes();
    }
    return sum;
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("meta.json of block " + ulid + " cannot be serialised", e);
    }
  }

  /**
   * Parses and checks a meta.json.
   *
   * @throws CorruptBlockException when it is not valid JSON, not a Flarestack block of a
   *     supported version, or lacks a field or a file readers need
   */
  public static BlockMeta parse(byte[] json, String where) {
    BlockMeta m;
    try {
      m = JSON.readValue(json, BlockMeta.class);
    } catch (IOException e) {
      throw new CorruptBlockException(where + ": meta.json is not valid: " + e.getMessage(), e);
    }
    if (m == null || !Ulid.isValid(m.ulid())) {
      throw new CorruptBlockException(where + ": meta.json has no valid ulid");
    }
    if (!FORMAT.equals(m.format()) || m.version() != VERSION) {
      throw new CorruptBlockException(where + ": unsupported block format " + m.format() + " version " + m.version()
          + " (this reader supports " + FORMAT + " version " + VERSION + ")");
    }
    if (m.files() == null || m.stats() == null) {
      throw new CorruptBlockException(where + ": meta.json lacks " + (m.files() == null ? "files" : "stats"));
    }
    for (String f : List.of(PROFILES_FILE, INDEX_FILE, SYMBOLS_FILE)) {
      m.fileSize(f);
    }
    return m;
  }
}
