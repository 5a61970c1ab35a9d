package io.flarestack.distributor.pprof;

import static java.util.Objects.requireNonNull;

import io.flarestack.api.google.v1.Profile;

/**
 * A parsed pprof and the size of its serialized (decompressed) form.
 *
 * @param profile the parsed profile
 * @param decompressedSize bytes of protobuf after gunzip (equal to the input size when it was raw)
 */
public record DecodedProfile(Profile profile, int decompressedSize) {
  public DecodedProfile {
    requireNonNull(profile, "profile is null");
  }
}
