package io.flarestack.objstore.gcs;

import static java.util.Objects.requireNonNull;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.BaseServiceException;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.flarestack.objstore.Bucket;
import io.flarestack.objstore.ExactLengthInputStream;
import io.flarestack.objstore.ObjectAttributes;
import io.flarestack.objstore.ObjectKeys;
import io.flarestack.objstore.ObjectNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A bucket in Google Cloud Storage, on google-cloud-storage's JSON API client. A read first looks
 * the object up, then reads that generation, so a concurrent overwrite cannot mix two versions
 * into one stream; ranges use {@link ReadChannel#seek} and {@link ReadChannel#limit}. Uploads
 * stream through a resumable {@link WriteChannel} that is committed only when all the declared
 * bytes arrived. Non-recursive listings use {@code currentDirectory()}. Thread-safe.
 */
public final class GcsBucket implements Bucket {
  private final Storage storage;
  private final String bucket;

  /**
   * @param storage the client; closed by {@link #close()}
   * @param bucket the GCS bucket name
   */
  public GcsBucket(Storage storage, String bucket) {
    this.storage = requireNonNull(storage, "storage is null");
    this.bucket = requireNonNull(bucket, "bucket is null");
  }

  /**
   * A bucket for the {@code storage.gcs} settings.
   *
   * @throws IOException when the service account JSON cannot be parsed
   */
  public static GcsBucket create(GcsConfig config) throws IOException {
    StorageOptions.Builder options = StorageOptions.newBuilder();
    if (!config.serviceAccount().isBlank()) {
      try {
        options.setCredentials(GoogleCredentials.fromStream(
            new ByteArrayInputStream(config.serviceAccount().getBytes(StandardCharsets.UTF_8))));
      } catch (IOException | RuntimeException e) {
        // The exception may quote the JSON; never let it reach a log.
        throw new IOException("storage.gcs.service_account: not a usable service account key (" + e.getClass()
            .getSimpleName() + ")");
      }
    }
    return new GcsBucket(options.build().getService(), config.bucketName());
  }

  @Override
  public String name() {
    return "gcs";
  }

  @Override
  public InputStream get(String key) throws IOException {
    Blob blob = find("get", key);
    return Channels.newInputStream(reader("get", blob));
  }

  @Override
  public InputStream getRange(String key, long offset, long length) throws IOException {
    ObjectKeys.checkRange(key, offset, length);
    Blob blob = find("get_range", key);
    long size = blob.getSize() == null ? 0 : blob.getSize();
    if (length == 0 || offset >= size) {
      return InputStream.nullInputStream();
    }
    ReadChannel reader = reader("get_range", blob);
    try {
      reader.seek(offset);
      reader.limit(length > size - offset ? size : offset + length);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw failure("get_range", key, e);
    }
    return Channels.newInputStream(reader);
  }

  @Override
  public void upload(String key, InputStream data, long length) throws IOException {
    ObjectKeys.checkKey(key);
    InputStream in = new ExactLengthInputStream(key, data, length);
    WriteChannel writer;
    try {
      writer = storage.writer(BlobInfo.newBuilder(BlobId.of(bucket, key)).build());
    } catch (BaseServiceException e) {
      throw failure("upload", key, e);
    }
    // Not try-with-resources: closing the channel commits the object, which must not happen
    // after a failure. An abandoned resumable session expires on its own.
    try {
      OutputStream out = Channels.newOutputStream(writer);
      in.transferTo(out);
    } catch (BaseServiceException e) {
      throw failure("upload", key, e);
    }
    try {
      writer.close();
    } catch (IOException | BaseServiceException e) {
      throw failure("upload", key, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      storage.delete(BlobId.of(bucket, key));
    } catch (BaseServiceException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      return storage.get(BlobId.of(bucket, key)) != null;
    } catch (BaseServiceException e) {
      throw failure("exists", key, e);
    }
  }

  @Override
  public ObjectAttributes attributes(String key) throws IOException {
    Blob blob = find("attributes", key);
    OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
    return new ObjectAttributes(blob.getSize() == null ? 0 : blob.getSize(),
        updated == null ? Instant.EPOCH : updated.toInstant());
  }

  @Override
  public List<String> list(String prefix, boolean recursive) throws IOException {
    ObjectKeys.checkPrefix(prefix);
    List<Storage.BlobListOption> options = new ArrayList<>();
    options.add(Storage.BlobListOption.prefix(prefix));
    if (!recursive) {
      options.add(Storage.BlobListOption.currentDirectory());
    }
    List<String> keys = new ArrayList<>();
    try {
      for (Blob blob : storage.list(bucket, options.toArray(Storage.BlobListOption[]::new)).iterateAll()) {
        keys.add(blob.getName());
      }
    } catch (BaseServiceException e) {
      throw failure("iter", prefix, e);
    }
    return ObjectKeys.sorted(keys);
  }

  @Override
  public void close() throws IOException {
    try {
      storage.close();
    } catch (Exception e) {
      throw new IOException("gcs bucket " + bucket + ": close: " + e.getMessage(), e);
    }
  }

  private Blob find(String op, String key) throws IOException {
    ObjectKeys.checkKey(key);
    Blob blob;
    try {
      blob = storage.get(BlobId.of(bucket, key));
    } catch (BaseServiceException e) {
      throw failure(op, key, e);
    }
    if (blob == null) {
      throw new ObjectNotFoundException(name(), key);
    }
    return blob;
  }

  private ReadChannel reader(String op, Blob blob) throws IOException {
    try {
      return storage.reader(blob.getBlobId());
    } catch (BaseServiceException e) {
      throw failure(op, blob.getName(), e);
    }
  }

  private IOException failure(String op, String key, Exception e) {
    if (e instanceof BaseServiceException s && s.getCode() == 404) {
      return new ObjectNotFoundException(name(), key);
    }
    if (e instanceof ObjectNotFoundException n) {
      return n;
    }
    return new IOException("gcs bucket " + bucket + ": " + op + " " + key + ": " + e.getMessage(), e);
  }
}
