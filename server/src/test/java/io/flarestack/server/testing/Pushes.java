package io.flarestack.server.testing;

import com.google.protobuf.ByteString;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.PushResponse;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.querier.v1.SelectSeriesRequest;
import io.flarestack.api.querier.v1.SelectSeriesResponse;
import io.flarestack.api.types.v1.LabelPair;
import io.flarestack.api.types.v1.Point;
import io.flarestack.api.types.v1.Series;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Pushes through the public Push API and reads totals back through the Querier API. */
public final class Pushes {
  public static final String CPU = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

  private Pushes() {}

  /** One profile as its own series, labelled {@code seq=<seq>}, pushed over Connect. */
  public static void push(Connect c, String service, long seq, Profile p) {
    RawProfileSeries.Builder s = RawProfileSeries.newBuilder()
        .addLabels(LabelPair.newBuilder().setName("__name__").setValue("process_cpu"))
        .addLabels(LabelPair.newBuilder().setName("service_name").setValue(service))
        .addLabels(LabelPair.newBuilder().setName("seq").setValue(Long.toString(seq)))
        .addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(p.toByteArray()))
            .setID(UUID.randomUUID().toString()));
    c.call("/push.v1.PusherService/Push", PushRequest.newBuilder().addSeries(s).build(), PushResponse.parser());
  }

  /** Per value of {@code label}, the sum over time of the profile type's totals. */
  public static Map<String, Long> totalsBy(Connect c, String selector, String profileType, String label, long startMs,
      long endMs) {
    SelectSeriesResponse r = c.call("/querier.v1.QuerierService/SelectSeries", SelectSeriesRequest.newBuilder()
        .setProfileTypeID(profileType).setLabelSelector(selector).setStart(startMs).setEnd(endMs)
        .addGroupBy(label).setStep(1).build(), SelectSeriesResponse.parser());
    Map<String, Long> out = new TreeMap<>();
    for (Series s : r.getSeriesList()) {
      String key = "";
      for (LabelPair l : s.getLabelsList()) {
        if (l.getName().equals(label)) {
          key = l.getValue();
        }
      }
      long sum = 0;
      for (Point pt : s.getPointsList()) {
        sum += Math.round(pt.getValue());
      }
      out.merge(key, sum, Long::sum);
    }
    return out;
  }
}
