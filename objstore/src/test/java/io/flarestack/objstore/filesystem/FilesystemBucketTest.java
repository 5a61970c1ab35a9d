package io.flarestack.objstore.filesystem;

import static io.flarestack.objstore.TestObjects.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.objstore.AbstractBucketContractTest;
import io.flarestack.objstore.Bucket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket contract on a local directory, plus the filesystem's own guarantees. A file cannot
 * also be a directory, so keys {@code a} and {@code a/b} cannot both exist
 * ({@link Capability#KEY_ALSO_A_DIRECTORY}); block layouts never need that.
 */
class FilesystemBucketTest extends AbstractBucketContractTest {
  @TempDir
  Path dir;

  @Override
  protected Set<Capability> missingCapabilities() {
    return Set.of(Capability.KEY_ALSO_A_DIRECTORY);
  }

  @Override
  protected Bucket createBucket() throws IOException {
    return new FilesystemBucket(dir.resolve("bucket"));
  }

  @Test
  void keysMapToFilesBelowTheRoot() throws IOException {
    bucket().upload("tenant/01HBLOCK/meta.json", utf8("{}"));

    assertThat(dir.resolve("bucket/tenant/01HBLOCK/meta.json")).hasContent("{}");
  }

  @Test
  void keysCannotEscapeTheRoot() throws IOException {
    Files.writeString(dir.resolve("outside"), "secret");

    for (String key : new String[] {"../outside", "a/../../outside", "..", "a/../.."}) {
      assertThatThrownBy(() -> bucket().get(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> bucket().upload(key, utf8("overwritten"))).as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> bucket().delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> bucket().list("../", true)).isInstanceOf(IllegalArgumentException.class);

    assertThat(dir.resolve("outside")).hasContent("secret");
  }

  @Test
  void uploadsLeaveNoTemporaryFiles() throws IOException {
    bucket().upload("a/b", utf8("1"));
    bucket().upload("a/b", utf8("2"));

    try (Stream<Path> files = Files.walk(dir.resolve("bucket"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> dir.resolve("bucket").relativize(p).toString()))
          .containsExactly("a/b");
    }
  }

  @Test
  void leftoverTemporaryFileOfACrashedUploadIsNotListed() throws IOException {
    bucket().upload("tenant/meta.json", utf8("{}"));
    Files.writeString(dir.resolve("bucket/tenant/.index.123" + FilesystemBucket.TEMP_SUFFIX), "partial");

    assertThat(bucket().list("tenant/", false)).containsExactly("tenant/meta.json");
    assertThat(bucket().list("", true)).containsExactly("tenant/meta.json");
  }

  @Test
  void createsTheRootDirectory() throws IOException {
    Path root = dir.resolve("new/nested/root");
    try (FilesystemBucket b = new FilesystemBucket(root)) {
      assertThat(root).isDirectory();
      assertThat(b.root()).isEqualTo(root.toAbsolutePath());
      assertThat(b.list("", true)).isEmpty();
    }
  }

  @Test
  void rootThatIsAFileFails() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");

    assertThatThrownBy(() -> new FilesystemBucket(file)).isInstanceOf(IOException.class);
  }
}
