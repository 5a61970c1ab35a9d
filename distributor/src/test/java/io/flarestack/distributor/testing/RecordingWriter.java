package io.flarestack.distributor.testing;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.distributor.writepath.IngesterWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An ingester stand-in that records what the distributor writes. */
public final class RecordingWriter implements IngesterWriter {
  /** One recorded write. */
  public record Write(String tenant, PushRequest request, io.grpc.Deadline deadline) {}

  private final List<Write> writes = new CopyOnWriteArrayList<>();

  @Override
  public void push(String tenant, PushRequest request) {
    writes.add(new Write(tenant, request, io.grpc.Context.current().getDeadline()));
  }

  public List<Write> writes() {
    return writes;
  }

  /** Every series of every write. */
  public List<ProfileSeries> series() {
    List<ProfileSeries> out = new ArrayList<>();
    for (Write w : writes) {
      out.addAll(w.request().getSeriesList());
    }
    return out;
  }

  /** Every written profile. */
  public List<Profile> profiles() {
    List<Profile> out = new ArrayList<>();
    for (ProfileSeries s : series()) {
      for (NormalizedProfile p : s.getProfilesList()) {
        out.add(p.getProfile());
      }
    }
    return out;
  }

  public static Map<String, String> labels(ProfileSeries s) {
    Map<String, String> m = new LinkedHashMap<>();
    for (LabelPair p : s.getLabelsList()) {
      m.put(p.getName(), p.getValue());
    }
    return m;
  }
}
