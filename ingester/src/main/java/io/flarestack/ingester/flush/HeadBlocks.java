package io.flarestack.ingester.flush;

import io.flarestack.ingester.head.Series;
import io.flarestack.ingester.head.SeriesRows;
import io.flarestack.ingester.head.SymbolPartition;
import io.flarestack.ingester.head.TenantHead;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.query.ProfileRowView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a tenant head window as a block, through the head's public read API only: each series'
 * rows snapshot, then (afterwards, so they cover every stack id of those rows) the partition
 * views, written as they are.
 */
public final class HeadBlocks {
  private HeadBlocks() {}

  /**
   * @return the block's meta, or null when the head has no profile
   */
  public static BlockMeta write(TenantHead head, Path dir, String ulid, BlockWriter writer) throws IOException {
    List<BlockWriter.SeriesData> series = new ArrayList<>();
    for (Series s : head.series()) {
      SeriesRows rows = s.rows();
      if (rows.count() == 0) {
        continue;
      }
      series.add(new BlockWriter.SeriesData(s.labels(), s.period(), s.partition().service(), new RowList(rows)));
    }
    Map<String, io.flarestack.storage.query.Symbols> partitions = new HashMap<>();
    for (SymbolPartition p : head.partitions()) {
      partitions.put(p.service(), p.view());
    }
    return writer.write(dir, ulid, series, partitions);
  }

  private static final class RowList extends AbstractList<ProfileRowView> {
    private final SeriesRows rows;

    RowList(SeriesRows rows) {
      this.rows = rows;
    }

    @Override
    public ProfileRowView get(int index) {
      return rows.row(index);
    }

    @Override
    public int size() {
      return rows.count();
    }
  }
}
