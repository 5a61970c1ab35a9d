package io.flarestack.ingester.flush;

import static java.util.Objects.requireNonNull;

import io.flarestack.objstore.Bucket;
import io.flarestack.storage.block.BlockMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Uploads a local block to {@code <tenant>/<ULID>/} in the bucket: the data files first, then
 * {@code meta.json}. Readers consider a block only once its meta.json exists, so a block whose
 * upload was interrupted is invisible; uploading again overwrites the partial objects. Stateless.
 */
final class Shipper {
  private final Bucket bucket;

  Shipper(Bucket bucket) {
    this.bucket = requireNonNull(bucket, "bucket is null");
  }

  void upload(LocalBlock b) throws IOException {
    String prefix = b.tenant() + "/" + b.id() + "/";
    for (BlockMeta.FileInfo f : b.meta().files()) {
      Path file = b.dir().resolve(f.relPath());
      try (InputStream in = Files.newInputStream(file)) {
        bucket.upload(prefix + f.relPath(), in, f.sizeBytes());
      }
    }
    bucket.upload(prefix + BlockMeta.META_FILE, Files.readAllBytes(b.dir().resolve(BlockMeta.META_FILE)));
  }
}
