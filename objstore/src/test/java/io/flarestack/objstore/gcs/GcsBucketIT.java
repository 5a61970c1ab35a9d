package io.flarestack.objstore.gcs;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.flarestack.objstore.AbstractBucketContractTest;
import io.flarestack.objstore.Bucket;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bucket contract against google-cloud-nio's {@link LocalStorageHelper}, an in-memory fake
 * of the {@code Storage} service (no HTTP; no GCS emulator is reachable here). Each test gets a
 * fresh fake. Where the fake is not GCS:
 *
 * <ul>
 *   <li>{@link Capability#FAILED_UPLOAD_INVISIBLE}: the fake records an object's metadata when
 *       the resumable session opens, so an upload that fails (and is never finalized) is still
 *       listed and "exists", with no content. Real GCS creates the object only when the session
 *       is finalized, which {@link GcsBucket} does only after all declared bytes arrived.
 *   <li>{@link Capability#URL_SPECIAL_CHARACTERS_IN_KEYS}: the fake uses the raw object name as
 *       the resumable session's URL, which the client then URL-decodes, so a key containing
 *       {@code %} cannot be written. Real GCS session URLs are opaque.
 *   <li>Paged listings: the fake silently truncates a listing with a page size, so
 *       {@link GcsBucket} never sets one (GCS's default page is 1000); the contract's
 *       several-pages test runs here on one page and crosses pages on s3proxy and Azurite.
 * </ul>
 */
class GcsBucketIT extends AbstractBucketContractTest {
  // The fake builds an API client per call, each warning that it has no application name.
  private static final Logger API_CLIENT_LOG =
      Logger.getLogger("com.google.api.client.googleapis.services.AbstractGoogleClient");

  static {
    API_CLIENT_LOG.setLevel(Level.SEVERE);
  }

  @Override
  protected Set<Capability> missingCapabilities() {
    return Set.of(Capability.FAILED_UPLOAD_INVISIBLE, Capability.URL_SPECIAL_CHARACTERS_IN_KEYS);
  }

  @Override
  protected Bucket createBucket() {
    return new GcsBucket(LocalStorageHelper.getOptions().getService(), "contract");
  }
}
