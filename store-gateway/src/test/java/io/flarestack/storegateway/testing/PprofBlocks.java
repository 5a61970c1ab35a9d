package io.flarestack.storegateway.testing;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.common.model.Labels;
import io.flarestack.common.testing.PprofFacts;
import io.flarestack.objstore.Bucket;
import io.flarestack.storage.block.BlockMeta;
import io.flarestack.storage.block.BlockWriter;
import io.flarestack.storage.query.ProfileRowView;
import io.flarestack.storage.query.Symbols;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes real pprofs as a block, independently of the ingester: one symbol partition per
 * service, one series per (labels, sample type), one row per profile. Deliberately simple code
 * (hash maps, no dedup tricks) so that what the store-gateway answers can be checked against it.
 */
public final class PprofBlocks {
  private final Map<String, Partition> partitions = new TreeMap<>();
  private final Map<Labels, SeriesBuilder> series = new LinkedHashMap<>();

  /** Adds one profile of a service at a time. */
  public PprofBlocks add(Labels labels, Profile p, long timeNanos, String profileId) {
    String service = labels.getOrEmpty("service_name");
    Partition part = partitions.computeIfAbsent(service, s -> new Partition());
    int[] stacks = new int[p.getSampleCount()];
    Map<Long, Location> locations = PprofFacts.locations(p);
    Map<Long, Function> functions = PprofFacts.functions(p);
    Map<Long, Mapping> mappings = new HashMap<>();
    for (Mapping m : p.getMappingList()) {
      mappings.put(m.getId(), m);
    }
    Map<Long, Integer> resolved = new HashMap<>();
    for (int i = 0; i < stacks.length; i++) {
      Sample s = p.getSample(i);
      int node = 0;
      for (int j = s.getLocationIdCount() - 1; j >= 0; j--) {
        long id = s.getLocationId(j);
        int loc = resolved.computeIfAbsent(id, k -> part.location(p, locations.get(k), functions, mappings));
        node = part.child(node, loc);
      }
      stacks[i] = node;
    }
    String name = labels.get("__name__");
    for (int t = 0; t < p.getSampleTypeCount(); t++) {
      Labels l = labels.with("__profile_type__", PprofFacts.profileType(name, p, t));
      TreeMap<Integer, Long> byStack = new TreeMap<>();
      for (int i = 0; i < stacks.length; i++) {
        long v = p.getSample(i).getValue(t);
        if (v != 0) {
          byStack.merge(stacks[i], v, Long::sum);
        }
      }
      byStack.values().removeIf(v -> v == 0);
      SeriesBuilder sb = series.computeIfAbsent(l, k -> new SeriesBuilder(service, p.getPeriod()));
      sb.rows.add(new Row(timeNanos, profileId, byStack));
    }
    return this;
  }

  /** Writes the block to a local directory. */
  public BlockMeta write(Path dir, String ulid) throws IOException {
    List<BlockWriter.SeriesData> data = new ArrayList<>();
    series.forEach((l, sb) -> data.add(new BlockWriter.SeriesData(l, sb.period, sb.service, sb.rows)));
    return new BlockWriter(1 << 20).write(dir, ulid, data, partitions);
  }

  /** Writes the block and uploads it under {@code tenant/ulid/}: data files, then meta.json. */
  public BlockMeta upload(Bucket bucket, String tenant, String ulid, Path workDir) throws IOException {
    Path dir = workDir.resolve(ulid);
    BlockMeta meta = write(dir, ulid);
    for (BlockMeta.FileInfo f : meta.files()) {
      try (InputStream in = Files.newInputStream(dir.resolve(f.relPath()))) {
        bucket.upload(tenant + "/" + ulid + "/" + f.relPath(), in, f.sizeBytes());
      }
    }
    bucket.upload(tenant + "/" + ulid + "/" + BlockMeta.META_FILE, Files.readAllBytes(dir.resolve(BlockMeta.META_FILE)));
    return meta;
  }

  private static final class SeriesBuilder {
    final String service;
    final long period;
    final List<Row> rows = new ArrayList<>();

    SeriesBuilder(String service, long period) {
      this.service = service;
      this.period = period;
    }
  }

  private static final class Row implements ProfileRowView {
    final long time;
    final String id;
    final int[] stacks;
    final long[] values;
    final long total;

    Row(long time, String id, TreeMap<Integer, Long> byStack) {
      this.time = time;
      this.id = id;
      stacks = byStack.keySet().stream().mapToInt(Integer::intValue).toArray();
      values = byStack.values().stream().mapToLong(Long::longValue).toArray();
      total = byStack.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long timeNanos() {
      return time;
    }

    @Override
    public String profileId() {
      return id;
    }

    @Override
    public long total() {
      return total;
    }

    @Override
    public int sampleCount() {
      return stacks.length;
    }

    @Override
    public int stackId(int i) {
      return stacks[i];
    }

    @Override
    public long value(int i) {
      return values[i];
    }

    @Override
    public boolean hasSpans() {
      return false;
    }

    @Override
    public long spanId(int i) {
      return 0;
    }
  }

  /** One service's symbols, deduplicated by content through hash maps. */
  private static final class Partition implements Symbols {
    final List<String> strings = new ArrayList<>(List.of(""));
    final Map<String, Integer> stringIds = new HashMap<>(Map.of("", 0));
    final List<long[]> functions = new ArrayList<>(); // name, system name, file name, start line
    final Map<List<Long>, Integer> functionIds = new HashMap<>();
    final List<Mapping> mappings = new ArrayList<>();
    final Map<List<Object>, Integer> mappingIds = new HashMap<>();
    final List<int[]> locMeta = new ArrayList<>(); // mapping, folded
    final List<Long> locAddress = new ArrayList<>();
    final List<long[]> locLines = new ArrayList<>(); // function, line, function, line...
    final Map<List<Long>, Integer> locationIds = new HashMap<>();
    final List<Integer> parent = new ArrayList<>(List.of(-1));
    final List<Integer> nodeLocation = new ArrayList<>(List.of(-1));
    final Map<Long, Integer> children = new HashMap<>();

    int string(String s) {
      return stringIds.computeIfAbsent(s, k -> {
        strings.add(k);
        return strings.size() - 1;
      });
    }

    int child(int node, int loc) {
      return children.computeIfAbsent(((long) node << 32) | loc, k -> {
        parent.add(node);
        nodeLocation.add(loc);
        return parent.size() - 1;
      });
    }

    int location(Profile p, Location l, Map<Long, Function> fns, Map<Long, Mapping> maps) {
      int mapping = l.getMappingId() == 0 ? -1 : mapping(p, maps.get(l.getMappingId()));
      List<Long> key = new ArrayList<>(List.of((long) mapping, l.getAddress(), l.getIsFolded() ? 1L : 0L));
      long[] lines = new long[l.getLineCount() * 2];
      for (int j = 0; j < l.getLineCount(); j++) {
        Line line = l.getLine(j);
        lines[2 * j] = function(p, fns.get(line.getFunctionId()));
        lines[2 * j + 1] = line.getLine();
        key.add(lines[2 * j]);
        key.add(lines[2 * j + 1]);
      }
      int m = mapping;
      return locationIds.computeIfAbsent(key, k -> {
        locMeta.add(new int[] {m, l.getIsFolded() ? 1 : 0});
        locAddress.add(l.getAddress());
        locLines.add(lines);
        return locMeta.size() - 1;
      });
    }

    private int function(Profile p, Function f) {
      long[] v = {string(p.getStringTable((int) f.getName())), string(p.getStringTable((int) f.getSystemName())),
          string(p.getStringTable((int) f.getFilename())), f.getStartLine()};
      return functionIds.computeIfAbsent(List.of(v[0], v[1], v[2], v[3]), k -> {
        functions.add(v);
        return functions.size() - 1;
      });
    }

    private int mapping(Profile p, Mapping m) {
      Mapping stored = m.toBuilder().setId(0).setFilename(string(p.getStringTable((int) m.getFilename())))
          .setBuildId(string(p.getStringTable((int) m.getBuildId()))).build();
      return mappingIds.computeIfAbsent(List.of(stored), k -> {
        mappings.add(stored);
        return mappings.size() - 1;
      });
    }

    @Override
    public int stringCount() {
      return strings.size();
    }

    @Override
    public String string(int id) {
      return strings.get(id);
    }

    @Override
    public int functionCount() {
      return functions.size();
    }

    @Override
    public int functionName(int id) {
      return (int) functions.get(id)[0];
    }

    @Override
    public int functionSystemName(int id) {
      return (int) functions.get(id)[1];
    }

    @Override
    public int functionFilename(int id) {
      return (int) functions.get(id)[2];
    }

    @Override
    public long functionStartLine(int id) {
      return functions.get(id)[3];
    }

    @Override
    public int mappingCount() {
      return mappings.size();
    }

    @Override
    public long mappingMemoryStart(int id) {
      return mappings.get(id).getMemoryStart();
    }

    @Override
    public long mappingMemoryLimit(int id) {
      return mappings.get(id).getMemoryLimit();
    }

    @Override
    public long mappingFileOffset(int id) {
      return mappings.get(id).getFileOffset();
    }

    @Override
    public int mappingFilename(int id) {
      return (int) mappings.get(id).getFilename();
    }

    @Override
    public int mappingBuildId(int id) {
      return (int) mappings.get(id).getBuildId();
    }

    @Override
    public boolean mappingHasFunctions(int id) {
      return mappings.get(id).getHasFunctions();
    }

    @Override
    public boolean mappingHasFilenames(int id) {
      return mappings.get(id).getHasFilenames();
    }

    @Override
    public boolean mappingHasLineNumbers(int id) {
      return mappings.get(id).getHasLineNumbers();
    }

    @Override
    public boolean mappingHasInlineFrames(int id) {
      return mappings.get(id).getHasInlineFrames();
    }

    @Override
    public int locationCount() {
      return locMeta.size();
    }

    @Override
    public int locationMapping(int id) {
      return locMeta.get(id)[0];
    }

    @Override
    public long locationAddress(int id) {
      return locAddress.get(id);
    }

    @Override
    public boolean locationFolded(int id) {
      return locMeta.get(id)[1] != 0;
    }

    @Override
    public int locationLineCount(int id) {
      return locLines.get(id).length / 2;
    }

    @Override
    public int locationLineFunction(int id, int j) {
      return (int) locLines.get(id)[2 * j];
    }

    @Override
    public long locationLineNumber(int id, int j) {
      return locLines.get(id)[2 * j + 1];
    }

    @Override
    public int stackNodeCount() {
      return parent.size();
    }

    @Override
    public int stackParent(int node) {
      return parent.get(node);
    }

    @Override
    public int stackLocation(int node) {
      return nodeLocation.get(node);
    }
  }
}
