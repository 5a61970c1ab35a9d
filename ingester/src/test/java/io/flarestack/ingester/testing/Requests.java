package io.flarestack.ingester.testing;

import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.ingester.v1.MergePprofRequest;
import io.flarestack.api.ingester.v1.MergeTreeRequest;
import io.flarestack.api.ingester.v1.NormalizedProfile;
import io.flarestack.api.ingester.v1.ProfileSeries;
import io.flarestack.api.ingester.v1.PushRequest;
import io.flarestack.api.ingester.v1.SelectProfilesRequest;
import io.flarestack.api.ingester.v1.SelectSeriesRequest;
import io.flarestack.api.types.v1.Location;
import io.flarestack.api.types.v1.StackTraceSelector;
import io.flarestack.common.model.Labels;
import java.util.List;

/** Request builders for tests. */
public final class Requests {
  private Requests() {}

  public static ProfileSeries series(Labels labels, Profile... profiles) {
    ProfileSeries.Builder b = ProfileSeries.newBuilder().addAllLabels(labels.toProto());
    int i = 0;
    for (Profile p : profiles) {
      b.addProfiles(NormalizedProfile.newBuilder().setProfile(p).setId("00000000-0000-0000-0000-00000000000" + (i++ % 10)));
    }
    return b.build();
  }

  public static PushRequest push(ProfileSeries... series) {
    return PushRequest.newBuilder().addAllSeries(List.of(series)).build();
  }

  public static SelectProfilesRequest.Builder select(String selector, String profileType, long start, long end) {
    return SelectProfilesRequest.newBuilder().setLabelSelector(selector).setProfileTypeId(profileType)
        .setStart(start).setEnd(end);
  }

  public static SelectProfilesRequest.Builder withCallSite(SelectProfilesRequest.Builder b, String... names) {
    StackTraceSelector.Builder s = StackTraceSelector.newBuilder();
    for (String n : names) {
      s.addCallSite(Location.newBuilder().setName(n));
    }
    return b.setStackTraceSelector(s);
  }

  public static MergeTreeRequest tree(SelectProfilesRequest.Builder select, long maxNodes) {
    return MergeTreeRequest.newBuilder().setSelect(select).setMaxNodes(maxNodes).build();
  }

  public static MergePprofRequest pprof(SelectProfilesRequest.Builder select, long maxNodes) {
    return MergePprofRequest.newBuilder().setSelect(select).setMaxNodes(maxNodes).build();
  }

  public static SelectSeriesRequest series(SelectProfilesRequest.Builder select, long stepMillis, String... groupBy) {
    return SelectSeriesRequest.newBuilder().setSelect(select).setStepMillis(stepMillis).addAllGroupBy(List.of(groupBy))
        .build();
  }
}
