package io.flarestack.distributor.testing;

import com.google.protobuf.ByteString;
import io.flarestack.api.push.v1.PushRequest;
import io.flarestack.api.push.v1.RawProfileSeries;
import io.flarestack.api.push.v1.RawSample;
import io.flarestack.api.types.v1.LabelPair;

/** Builds push.v1 requests. */
public final class Pushes {
  private Pushes() {}

  /** One series with the given alternating label names and values and one profile per body. */
  public static PushRequest request(String[] labels, byte[]... profiles) {
    RawProfileSeries.Builder s = RawProfileSeries.newBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      s.addLabels(LabelPair.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
    }
    for (byte[] p : profiles) {
      s.addSamples(RawSample.newBuilder().setRawProfile(ByteString.copyFrom(p)).setID(java.util.UUID.randomUUID().toString()));
    }
    return PushRequest.newBuilder().addSeries(s).build();
  }

  public static String[] labels(String... namesAndValues) {
    return namesAndValues;
  }
}
