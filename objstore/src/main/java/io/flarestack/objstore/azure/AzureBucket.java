package io.flarestack.objstore.azure;

import static java.util.Objects.requireNonNull;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.flarestack.objstore.Bucket;
import io.flarestack.objstore.ObjectAttributes;
import io.flarestack.objstore.ObjectKeys;
import io.flarestack.objstore.ObjectNotFoundException;
import io.flarestack.objstore.PartReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A bucket in an Azure Blob Storage container, on azure-storage-blob with the JDK HTTP client
 * (no Netty). Reads use {@link com.azure.storage.blob.specialized.BlobInputStream}, which pins
 * the blob's ETag so a concurrent overwrite fails the read instead of mixing versions; ranges
 * are {@link BlobRange}s. Uploads up to one part are a single Put Blob; larger ones are staged
 * blocks of {@code partSize} buffered one at a time and committed as a block list (uncommitted
 * blocks of a failed upload are discarded by the service). Non-recursive listings use
 * {@code listBlobsByHierarchy("/")}. Thread-safe.
 */
public final class AzureBucket implements Bucket {
  /** 8 MiB: a block per staged-block request and one such buffer per concurrent upload. */
  public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
  /** The service's largest listing page. */
  public static final int DEFAULT_LIST_PAGE_SIZE = 5000;

  private final BlobContainerClient container;
  private final int partSize;
  private final int listPageSize;

  /**
   * @param container the container client
   * @param partSize bytes per staged block (and the single-upload threshold)
   * @param listPageSize blobs per listing page, 1 to 5000
   */
  public AzureBucket(BlobContainerClient container, int partSize, int listPageSize) {
    this.container = requireNonNull(container, "container is null");
    if (partSize <= 0) {
      throw new IllegalArgumentException("Azure part size must be positive, got " + partSize);
    }
    if (listPageSize < 1 || listPageSize > 5000) {
      throw new IllegalArgumentException("Azure list page size must be 1-5000, got " + listPageSize);
    }
    this.partSize = partSize;
    this.listPageSize = listPageSize;
  }

  /** A bucket for the {@code storage.azure} settings (after {@link AzureConfig#withEnvironment}). */
  public static AzureBucket create(AzureConfig config) {
    return new AzureBucket(containerClient(config), DEFAULT_PART_SIZE, DEFAULT_LIST_PAGE_SIZE);
  }

  /** The container client for the {@code storage.azure} settings, on the JDK HTTP client. */
  public static BlobContainerClient containerClient(AzureConfig config) {
    HttpClient http = new JdkHttpClientBuilder().build();
    BlobServiceClientBuilder b = new BlobServiceClientBuilder().httpClient(http);
    if (!config.connectionString().isEmpty()) {
      b.connectionString(config.connectionString());
    } else {
      b.endpoint(config.endpoint()).credential(new StorageSharedKeyCredential(config.accountName(), config.accountKey()));
    }
    return b.buildClient().getBlobContainerClient(config.containerName());
  }

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public InputStream get(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      return blob(key).openInputStream();
    } catch (BlobStorageException e) {
      throw failure("get", key, e);
    }
  }

  @Override
  public InputStream getRange(String key, long offset, long length) throws IOException {
    ObjectKeys.checkKey(key);
    ObjectKeys.checkRange(key, offset, length);
    BlobClient blob = blob(key);
    try {
      if (length == 0) {
        blob.getProperties(); // an empty range of a missing blob is still "not found"
        return InputStream.nullInputStream();
      }
      return blob.openInputStream(new BlobInputStreamOptions().setRange(new BlobRange(offset, length)));
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 416) {
        return InputStream.nullInputStream(); // the blob exists and ends before offset
      }
      throw failure("get_range", key, e);
    }
  }

  @Override
  public void upload(String key, InputStream data, long length) throws IOException {
    ObjectKeys.checkKey(key);
    BlockBlobClient blob = blob(key).getBlockBlobClient();
    PartReader parts = new PartReader(key, data, length, partSize);
    try {
      if (parts.singlePart()) {
        int n = parts.next();
        blob.upload(BinaryData.fromByteBuffer(ByteBuffer.wrap(parts.buffer(), 0, n)), true);
        return;
      }
      List<String> blockIds = new ArrayList<>();
      for (int i = 0; parts.hasNext(); i++) {
        int n = parts.next();
        // Block ids must all have the same length within a blob.
        String id = Base64.getEncoder().encodeToString(String.format("%08d", i).getBytes(StandardCharsets.US_ASCII));
        blob.stageBlock(id, BinaryData.fromByteBuffer(ByteBuffer.wrap(parts.buffer(), 0, n)));
        blockIds.add(id);
      }
      blob.commitBlockList(blockIds, true);
    } catch (BlobStorageException | UncheckedIOException e) {
      throw failure("upload", key, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      blob(key).deleteIfExists();
    } catch (BlobStorageException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      return blob(key).exists();
    } catch (BlobStorageException e) {
      throw failure("exists", key, e);
    }
  }

  @Override
  public ObjectAttributes attributes(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      BlobProperties p = blob(key).getProperties();
      return new ObjectAttributes(p.getBlobSize(), p.getLastModified().toInstant());
    } catch (BlobStorageException e) {
      throw failure("attributes", key, e);
    }
  }

  @Override
  public List<String> list(String prefix, boolean recursive) throws IOException {
    ObjectKeys.checkPrefix(prefix);
    ListBlobsOptions options = new ListBlobsOptions().setMaxResultsPerPage(listPageSize);
    if (!prefix.isEmpty()) {
      options.setPrefix(prefix);
    }
    List<String> keys = new ArrayList<>();
    try {
      Iterable<BlobItem> items = recursive
          ? container.listBlobs(options, (Duration) null)
          : container.listBlobsByHierarchy("/", options, null);
      for (BlobItem item : items) {
        keys.add(item.getName());
      }
    } catch (BlobStorageException e) {
      throw failure("iter", prefix, e);
    }
    return ObjectKeys.sorted(keys);
  }

  @Override
  public void close() {
    // The JDK HTTP client has no resources to release beyond its idle connections.
  }

  private BlobClient blob(String key) {
    return container.getBlobClient(key);
  }

  private IOException failure(String op, String key, RuntimeException e) {
    if (e instanceof BlobStorageException b && b.getStatusCode() == 404
        && b.getErrorCode() != BlobErrorCode.CONTAINER_NOT_FOUND) {
      return new ObjectNotFoundException(name(), key);
    }
    if (e instanceof UncheckedIOException u) {
      return new IOException("azure container " + container.getBlobContainerName() + ": " + op + " " + key + ": "
          + u.getCause().getMessage(), u.getCause());
    }
    return new IOException("azure container " + container.getBlobContainerName() + ": " + op + " " + key + ": "
        + e.getMessage(), e);
  }
}
