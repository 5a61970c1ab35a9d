package io.flarestack.objstore.s3;

import static java.util.Objects.requireNonNull;

import io.flarestack.objstore.Bucket;
import io.flarestack.objstore.ObjectAttributes;
import io.flarestack.objstore.ObjectKeys;
import io.flarestack.objstore.ObjectNotFoundException;
import io.flarestack.objstore.PartReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket in Amazon S3 or an S3-compatible store, on the AWS SDK v2 with its synchronous
 * {@code HttpURLConnection} client. Reads stream the response body; ranged reads send
 * {@code Range: bytes=a-b}. Uploads up to one part go in a single PUT; larger ones as a multipart
 * upload of {@code partSize} parts buffered one at a time (aborted on failure, so a failed upload
 * leaves the previous object). Non-recursive listings use ListObjectsV2 with delimiter {@code /};
 * every listing follows continuation tokens. Thread-safe.
 */
public final class S3Bucket implements Bucket {
  /** 16 MiB: 625 parts for a 10 GiB block, and one such buffer per concurrent upload. */
  public static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
  /** S3's smallest part except the last. */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
  /** S3's largest listing page. */
  public static final int DEFAULT_LIST_PAGE_SIZE = 1000;

  private final S3Client client;
  private final String bucket;
  private final int partSize;
  private final int listPageSize;

  /**
   * @param client the client; closed by {@link #close()}
   * @param bucket the S3 bucket name
   * @param partSize bytes per multipart part (and the single-PUT threshold), at least {@link #MIN_PART_SIZE}
   * @param listPageSize keys per ListObjectsV2 page, 1 to 1000
   */
  public S3Bucket(S3Client client, String bucket, int partSize, int listPageSize) {
    this.client = requireNonNull(client, "client is null");
    this.bucket = requireNonNull(bucket, "bucket is null");
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("S3 part size must be at least " + MIN_PART_SIZE + " bytes, got " + partSize);
    }
    if (listPageSize < 1 || listPageSize > 1000) {
      throw new IllegalArgumentException("S3 list page size must be 1-1000, got " + listPageSize);
    }
    this.partSize = partSize;
    this.listPageSize = listPageSize;
  }

  /**
   * A bucket for the {@code storage.s3} settings, with the default part and page sizes.
   *
   * @param env the environment, for {@code AWS_REGION} / {@code AWS_DEFAULT_REGION}
   */
  public static S3Bucket create(S3Config config, Map<String, String> env) {
    return new S3Bucket(client(config, env), config.bucketName(), DEFAULT_PART_SIZE, DEFAULT_LIST_PAGE_SIZE);
  }

  /** The SDK client for the {@code storage.s3} settings. */
  public static S3Client client(S3Config config, Map<String, String> env) {
    S3ClientBuilder b = S3Client.builder()
        .httpClient(UrlConnectionHttpClient.builder().build())
        .forcePathStyle(config.forcePathStyle())
        .credentialsProvider(credentials(config));
    String region = !config.region().isEmpty() ? config.region()
        : env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", ""));
    if (region.isEmpty()) {
      // No region configured: sign for us-east-1 and let the SDK follow S3's redirect to the
      // bucket's real region (Pyroscope asks GetBucketLocation instead).
      b.region(Region.US_EAST_1).crossRegionAccessEnabled(config.endpoint().isEmpty());
    } else {
      b.region(Region.of(region));
    }
    if (!config.endpoint().isEmpty()) {
      b.endpointOverride(config.endpointUri());
    }
    // Checksums only where S3 requires them: S3-compatible stores differ in their support for
    // the SDK's default aws-chunked trailing checksums.
    b.requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
    return b.build();
  }

  private static AwsCredentialsProvider credentials(S3Config config) {
    if (!config.accessKeyId().isEmpty()) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public InputStream get(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      return client.getObject(r -> r.bucket(bucket).key(key), ResponseTransformer.toInputStream());
    } catch (SdkException e) {
      throw failure("get", key, e);
    }
  }

  @Override
  public InputStream getRange(String key, long offset, long length) throws IOException {
    ObjectKeys.checkKey(key);
    ObjectKeys.checkRange(key, offset, length);
    if (length == 0) {
      head(key); // an empty range of a missing object is still "not found"
      return InputStream.nullInputStream();
    }
    long last = length - 1 > Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + length - 1;
    try {
      return client.getObject(r -> r.bucket(bucket).key(key).range("bytes=" + offset + "-" + last),
          ResponseTransformer.toInputStream());
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return InputStream.nullInputStream(); // the object exists and ends before offset
      }
      throw failure("get_range", key, e);
    } catch (SdkException e) {
      throw failure("get_range", key, e);
    }
  }

  @Override
  public void upload(String key, InputStream data, long length) throws IOException {
    ObjectKeys.checkKey(key);
    PartReader parts = new PartReader(key, data, length, partSize);
    if (parts.singlePart()) {
      int n = parts.next();
      try {
        client.putObject(r -> r.bucket(bucket).key(key).contentLength((long) n), body(parts.buffer(), n));
      } catch (SdkException e) {
        throw failure("upload", key, e);
      }
      return;
    }
    String uploadId;
    try {
      uploadId = client.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    } catch (SdkException e) {
      throw failure("upload", key, e);
    }
    try {
      List<CompletedPart> done = new ArrayList<>();
      for (int partNumber = 1; parts.hasNext(); partNumber++) {
        int n = parts.next();
        int number = partNumber;
        String etag = client.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
            .contentLength((long) n), body(parts.buffer(), n)).eTag();
        done.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      client.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
          .multipartUpload(m -> m.parts(done)));
    } catch (IOException | RuntimeException e) {
      abort(key, uploadId, e);
      if (e instanceof SdkException s) {
        throw failure("upload", key, s);
      }
      throw e;
    }
  }

  @Override
  public void delete(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      client.deleteObject(r -> r.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    ObjectKeys.checkKey(key);
    try {
      head(key);
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  @Override
  public ObjectAttributes attributes(String key) throws IOException {
    ObjectKeys.checkKey(key);
    HeadObjectResponse head = head(key);
    return new ObjectAttributes(head.contentLength(), head.lastModified());
  }

  @Override
  public List<String> list(String prefix, boolean recursive) throws IOException {
    ObjectKeys.checkPrefix(prefix);
    ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
        .maxKeys(listPageSize);
    if (!recursive) {
      request.delimiter("/");
    }
    List<String> keys = new ArrayList<>();
    try {
      for (ListObjectsV2Response page : client.listObjectsV2Paginator(request.build())) {
        for (S3Object o : page.contents()) {
          keys.add(o.key());
        }
        for (CommonPrefix p : page.commonPrefixes()) {
          keys.add(p.prefix());
        }
      }
    } catch (SdkException e) {
      throw failure("iter", prefix, e);
    }
    return ObjectKeys.sorted(keys);
  }

  @Override
  public void close() {
    client.close();
  }

  private HeadObjectResponse head(String key) throws IOException {
    try {
      return client.headObject(r -> r.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw failure("attributes", key, e);
    }
  }

  /** A body the SDK can re-read for signing and retries, without copying the part buffer. */
  private static RequestBody body(byte[] buffer, int length) {
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
        "application/octet-stream");
  }

  private void abort(String key, String uploadId, Exception cause) {
    try {
      client.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      cause.addSuppressed(e);
    }
  }

  private IOException failure(String op, String key, SdkException e) {
    if (e instanceof S3Exception s && s.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(s))) {
      return new ObjectNotFoundException(name(), key);
    }
    return new IOException("s3 bucket " + bucket + ": " + op + " " + key + ": " + e.getMessage(), e);
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
