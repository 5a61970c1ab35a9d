package io.flarestack.ingester.flush;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.storage.block.Block;
import io.flarestack.storage.block.BlockFiles;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.block.ReadStats;
import io.flarestack.storage.block.Ulid;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingester's local blocks: {@code <data>/local/<tenant>/<ULID>/} holds the block files and
 * {@code local.json} (which log segment the block needs until upload, and when it was uploaded;
 * never uploaded itself). A block is written into {@code <ULID>.tmp} and renamed, so a crash
 * never leaves half a block behind a final name. Thread-safe.
 */
final class LocalBlocks {
  private static final Logger log = LoggerFactory.getLogger(LocalBlocks.class);
  static final String SIDECAR = "local.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the ingester keeps beside a local block.
   *
   * @param minSegment the oldest log segment whose records the block holds (kept until upload)
   * @param uploadedAtMillis when it was uploaded, 0 before
   * @param windowStartNanos the head window it was cut from
   * @param coveredLsn every log record up to this LSN is in this block or an earlier one of its
   *     window: restored into the flush marks at start, so a crash right after the block was
   *     renamed into place cannot make replay apply those records a second time
   */
  record Sidecar(@JsonProperty("minSegment") long minSegment, @JsonProperty("uploadedAt") long uploadedAtMillis,
      @JsonProperty("window") long windowStartNanos, @JsonProperty("coveredLsn") long coveredLsn) {}

  private final Path root;
  private final BlockWriter writer;
  private final ReadStats reads;
  private final BlockFailures failures;
  private final CopyOnWriteArrayList<LocalBlock> blocks = new CopyOnWriteArrayList<>();

  /** Told when a local block turns out unreadable. */
  interface BlockFailures {
    void failed(String block, Exception e);
  }

  LocalBlocks(Path root, BlockWriter writer, ReadStats reads, BlockFailures failures) {
    this.root = root;
    this.writer = writer;
    this.reads = reads;
    this.failures = failures;
  }

  /** Loads the blocks on disk (after a restart) and removes unfinished ones. */
  void load() throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> tenants = Files.newDirectoryStream(root)) {
      for (Path tenantDir : tenants) {
        if (!Files.isDirectory(tenantDir)) {
          continue;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tenantDir)) {
          for (Path dir : dirs) {
            String name = dir.getFileName().toString();
            if (name.endsWith(".tmp")) {
              log.warn("removing the unfinished local block {} (the process stopped while writing it)", dir);
              deleteTree(dir);
            } else if (Ulid.isValid(name) && Files.exists(dir.resolve(BlockMeta.META_FILE))) {
              try {
                blocks.add(open(tenantDir.getFileName().toString(), dir));
              } catch (IOException | RuntimeException e) {
                log.error("local block {} cannot be loaded, leaving it aside: {}", dir, e.getMessage());
              }
            }
          }
        }
      }
    }
  }

  private LocalBlock open(String tenant, Path dir) throws IOException {
    BlockMeta meta = BlockMeta.parse(Files.readAllBytes(dir.resolve(BlockMeta.META_FILE)), dir.toString());
    Sidecar s = Files.exists(dir.resolve(SIDECAR))
        ? JSON.readValue(Files.readAllBytes(dir.resolve(SIDECAR)), Sidecar.class)
        : new Sidecar(Long.MAX_VALUE, 0, 0, -1);
    return new LocalBlock(tenant, dir, block(tenant, dir, meta), s.minSegment(), s.uploadedAtMillis(),
        s.windowStartNanos(), s.coveredLsn());
  }

  private Block block(String tenant, Path dir, BlockMeta meta) {
    String name = tenant + "/" + meta.ulid() + " (local)";
    return new Block(meta, BlockFiles.local(dir, reads), name, e -> failures.failed(name, e));
  }

  /**
   * Writes a cut head as a local block; it is served once {@link #add added}.
   *
   * @return the block, or null when the head holds no profile
   */
  LocalBlock write(TenantHead head) throws IOException {
    Path tenantDir = root.resolve(head.tenant());
    Path tmp = tenantDir.resolve(head.blockId() + ".tmp");
    Path dir = tenantDir.resolve(head.blockId());
    deleteTree(tmp);
    BlockMeta meta = HeadBlocks.write(head, tmp, head.blockId(), writer);
    if (meta == null) {
      deleteTree(tmp);
      return null;
    }
    writeSidecar(tmp, new Sidecar(head.minSegment(), 0, head.windowStartNanos(), head.coveredLsn()));
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE); // the commit point: block present = records covered
    sync(tenantDir);
    return new LocalBlock(head.tenant(), dir, block(head.tenant(), dir, meta), head.minSegment(), 0,
        head.windowStartNanos(), head.coveredLsn());
  }

  /** Starts serving a written block. */
  void add(LocalBlock b) {
    blocks.add(b);
  }

  void markUploaded(LocalBlock b, long atMillis) throws IOException {
    writeSidecar(b.dir(), new Sidecar(b.minSegment(), atMillis, b.windowStartNanos(), b.coveredLsn()));
    b.markUploaded(atMillis);
  }

  /** Stops serving the block and deletes its directory. */
  void delete(LocalBlock b) throws IOException {
    blocks.remove(b);
    deleteTree(b.dir());
  }

  List<LocalBlock> all() {
    return List.copyOf(blocks);
  }

  List<LocalBlock> forTenant(String tenant) {
    List<LocalBlock> out = new ArrayList<>();
    for (LocalBlock b : blocks) {
      if (b.tenant().equals(tenant)) {
        out.add(b);
      }
    }
    return out;
  }

  /** The oldest log segment a block not yet uploaded needs, or {@link Long#MAX_VALUE}. */
  long minSegment() {
    long min = Long.MAX_VALUE;
    for (LocalBlock b : blocks) {
      if (!b.uploaded()) {
        min = Math.min(min, b.minSegment());
      }
    }
    return min;
  }

  private static void writeSidecar(Path dir, Sidecar s) throws IOException {
    Path tmp = dir.resolve(SIDECAR + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(s));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(SIDECAR), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    sync(dir);
  }

  private static void sync(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
