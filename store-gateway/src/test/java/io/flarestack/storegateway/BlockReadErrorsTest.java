package io.flarestack.storegateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.common.testing.SharedTestData;
import io.flarestack.storage.block.Block;
import io.flarestack.storage.block.BlockFiles;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.RangeReader;
import io.flarestack.storage.block.ReadStats;
import io.flarestack.storage.block.Ulid;
import io.flarestack.storage.query.QueryEngine;
import io.flarestack.storage.query.SourceUnavailableException;
import io.flarestack.storegateway.testing.PprofBlocks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read error that may go away (the network, an overloaded bucket) skips a block for one
 * query only; one in the block's files (missing, short, corrupt) skips it for good. The
 * network is the one seam faked here: the files are real.
 */
class BlockReadErrorsTest {
  private static final Profile JAVA = SharedTestData.pprof("java/cpu.pb.gz");
  private static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

  @TempDir
  Path dir;

  private final QueryEngine engine = new QueryEngine();

  private long total(Block b) {
    SelectProfilesRequest sel = SelectProfilesRequest.newBuilder().setLabelSelector("{}").setProfileTypeId(CPU)
        .setStart(0).setEnd(Long.MAX_VALUE / 2_000_000).build();
    return engine.mergeTree(List.of(b), MergeTreeRequest.newBuilder().setSelect(sel).build()).getTree()
        .getSelfList().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void aNetworkErrorSkipsTheBlockForOneQueryOnly() throws Exception {
    String id = Ulid.generate(1, new Random(1));
    BlockMeta meta = new PprofBlocks().add(Labels.of("__name__", "process_cpu", "service_name", "a"), JAVA, 1_000_000L,
        "x").write(dir.resolve(id), id);
    BlockFiles local = BlockFiles.local(dir.resolve(id), new ReadStats());
    AtomicInteger failuresLeft = new AtomicInteger(1);
    BlockFiles flaky = (relPath, size) -> {
      RangeReader r = local.open(relPath, size);
      return new RangeReader() {
        @Override
        public long length() {
          return r.length();
        }

        @Override
        public void readFully(long offset, byte[] dst, int dstOffset, int len) throws IOException {
          if (failuresLeft.getAndDecrement() > 0) {
            throw new IOException("Connection reset by peer");
          }
          r.readFully(offset, dst, dstOffset, len);
        }
      };
    };
    List<Exception> permanent = new ArrayList<>();
    Block b = new Block(meta, flaky, "t/" + id, permanent::add);

    assertThatThrownBy(() -> b.select(List.of(), 0, Long.MAX_VALUE, false))
        .isInstanceOf(SourceUnavailableException.class).hasMessageContaining("Connection reset");
    assertThat(b.failure()).isNull();
    assertThat(permanent).isEmpty();
    assertThat(total(b)).isEqualTo(PprofFacts.total(JAVA, 0)); // the next query reads it
  }

  @Test
  void aMissingFileSkipsTheBlockForGood() throws Exception {
    String id = Ulid.generate(1, new Random(2));
    BlockMeta meta = new PprofBlocks().add(Labels.of("__name__", "process_cpu", "service_name", "a"), JAVA, 1_000_000L,
        "x").write(dir.resolve(id), id);
    java.nio.file.Files.delete(dir.resolve(id).resolve(BlockMeta.SYMBOLS_FILE));
    List<Exception> permanent = new ArrayList<>();
    Block b = new Block(meta, BlockFiles.local(dir.resolve(id), new ReadStats()), "t/" + id, permanent::add);

    assertThat(total(b)).isZero(); // the engine skips it
    assertThat(permanent).hasSize(1);
    assertThat(b.failure()).isNotNull();
    assertThat(total(b)).isZero();
    assertThat(permanent).hasSize(1); // told once
  }
}
