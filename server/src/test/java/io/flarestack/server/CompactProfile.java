package io.flarestack.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Label;
import io.flarestack.api.google.v1.Line;
import io.flarestack.api.google.v1.Location;
import io.flarestack.api.google.v1.Mapping;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.Sample;
import io.flarestack.api.google.v1.ValueType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pyroscope's "compact profile" view of a pprof, as in the expected OTLP outputs of the shared
 * test data: sample types as {@code type/unit}, and per sample one line holding its locations
 * ({@code address|func[system]@file:line;...|start-limit@offset file(build id)}), its values and
 * its labels. Samples are sorted, so two profiles compare equal when they hold the same samples
 * whatever the order or the ids.
 */
record CompactProfile(List<String> sampleTypes, List<String> samples) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static CompactProfile of(Profile p) {
    List<String> types = new ArrayList<>();
    for (ValueType t : p.getSampleTypeList()) {
      types.add(p.getStringTable((int) t.getType()) + "/" + p.getStringTable((int) t.getUnit()));
    }
    Map<Long, Function> functions = new HashMap<>();
    p.getFunctionList().forEach(f -> functions.put(f.getId(), f));
    Map<Long, Mapping> mappings = new HashMap<>();
    p.getMappingList().forEach(m -> mappings.put(m.getId(), m));
    Map<Long, Location> locations = new HashMap<>();
    p.getLocationList().forEach(l -> locations.put(l.getId(), l));
    List<String> samples = new ArrayList<>();
    for (Sample s : p.getSampleList()) {
      StringBuilder sb = new StringBuilder();
      for (long id : s.getLocationIdList()) {
        Location l = locations.get(id);
        sb.append("0x").append(Long.toHexString(l.getAddress())).append('|');
        for (Line line : l.getLineList()) {
          Function f = functions.get(line.getFunctionId());
          sb.append(p.getStringTable((int) f.getName())).append('[').append(p.getStringTable((int) f.getSystemName()))
              .append("]@").append(p.getStringTable((int) f.getFilename())).append(':').append(line.getLine()).append(',');
        }
        Mapping m = mappings.get(l.getMappingId());
        if (m != null) {
          sb.append('|').append(String.format("0x%x-0x%x@0x%x %s(%s)", m.getMemoryStart(), m.getMemoryLimit(),
              m.getFileOffset(), p.getStringTable((int) m.getFilename()), p.getStringTable((int) m.getBuildId())));
        }
        sb.append(';');
      }
      sb.append(" values=");
      for (int i = 0; i < s.getValueCount(); i++) {
        sb.append(i == 0 ? "" : ",").append(s.getValue(i));
      }
      List<String> labels = new ArrayList<>();
      for (Label label : s.getLabelList()) {
        labels.add(p.getStringTable((int) label.getKey()) + "="
            + (label.getStr() != 0 ? p.getStringTable((int) label.getStr()) : Long.toString(label.getNum())));
      }
      labels.sort(null);
      if (!labels.isEmpty()) {
        sb.append(" labels=").append(String.join(",", labels));
      }
      samples.add(sb.toString());
    }
    samples.sort(null);
    return new CompactProfile(types, samples);
  }

  /** Reads Pyroscope's compact JSON ({@code strprofile.CompactProfile}). */
  static CompactProfile parse(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(json);
    List<String> types = new ArrayList<>();
    for (JsonNode t : root.path("sample_types")) {
      types.add(t.path("type").asText() + "/" + t.path("unit").asText());
    }
    List<String> samples = new ArrayList<>();
    for (JsonNode s : root.path("samples")) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode l : s.path("locations")) {
        sb.append(l.path("address").asText("0x0")).append('|');
        for (JsonNode line : l.path("lines")) {
          sb.append(line.asText()).append(',');
        }
        if (l.has("mapping")) {
          sb.append('|').append(l.path("mapping").asText());
        }
        sb.append(';');
      }
      sb.append(" values=").append(s.path("values").asText());
      if (s.hasNonNull("labels") && !s.path("labels").asText().isEmpty()) {
        sb.append(" labels=").append(s.path("labels").asText());
      }
      samples.add(sb.toString());
    }
    samples.sort(null);
    return new CompactProfile(types, samples);
  }

  long total() {
    long sum = 0;
    for (String s : samples) {
      String v = s.substring(s.indexOf(" values=") + 8);
      int sp = v.indexOf(' ');
      sum += Long.parseLong(sp < 0 ? v : v.substring(0, sp));
    }
    return sum;
  }
}
