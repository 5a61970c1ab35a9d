package io.flarestack.objstore;

import static io.flarestack.objstore.TestObjects.count;
import static io.flarestack.objstore.TestObjects.pattern;
import static io.flarestack.objstore.TestObjects.patternBytes;
import static io.flarestack.objstore.TestObjects.readUtf8;
import static io.flarestack.objstore.TestObjects.sha256;
import static io.flarestack.objstore.TestObjects.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Bucket} promises, run against each backend: a subclass supplies a
 * fresh, empty bucket per test. A backend tested against a fake that lacks a behaviour declares
 * it in {@link #missingCapabilities()}; the affected test then asserts the fake's known
 * deviation instead (so it fails, and the declaration must go, once the fake gains it). Nothing
 * is skipped.
 *
 * <p>Every backend lives in this module, so the suite is not published; a backend in another
 * module would need this module to publish a test-jar (as {@code common} does for its fixtures).
 */
public abstract class AbstractBucketContractTest {
  /** 6 MiB and a bit: more than one part for the S3 and Azure buckets under test. */
  protected static final long LARGE_OBJECT_SIZE = 6L * 1024 * 1024 + 12_345;

  /** Behaviours a test double of a backend may lack. */
  protected enum Capability {
    /** {@link Bucket#attributes} reports when the object was written. */
    LAST_MODIFIED,
    /** A key may also be the directory of other keys ({@code a} and {@code a/b}), as in object stores. */
    KEY_ALSO_A_DIRECTORY,
    /** Keys may contain characters URLs escape: {@code % + & = ? #}. */
    URL_SPECIAL_CHARACTERS_IN_KEYS,
    /** An upload that fails leaves no trace: the key neither exists nor is listed. */
    FAILED_UPLOAD_INVISIBLE,
  }

  private Bucket bucket;

  /** A new, empty bucket; closed after each test. */
  protected abstract Bucket createBucket() throws Exception;

  /** What the backend under test cannot do; document each entry in the subclass. */
  protected Set<Capability> missingCapabilities() {
    return Set.of();
  }

  @BeforeEach
  void openBucket() throws Exception {
    bucket = createBucket();
  }

  @AfterEach
  void closeBucket() throws IOException {
    bucket.close();
  }

  protected final Bucket bucket() {
    return bucket;
  }

  private void put(String key, String content) throws IOException {
    bucket.upload(key, utf8(content));
  }

  private String read(String key) throws IOException {
    return readUtf8(bucket.get(key));
  }

  private String readRange(String key, long offset, long length) throws IOException {
    return readUtf8(bucket.getRange(key, offset, length));
  }

  @Test
  void uploadedObjectReadsBack() throws IOException {
    put("tenant/block/meta.json", "{\"version\":3}");

    assertThat(read("tenant/block/meta.json")).isEqualTo("{\"version\":3}");
  }

  @Test
  void uploadFromAStreamOfDeclaredLength() throws IOException {
    byte[] data = utf8("streamed content");
    bucket.upload("streamed", new ByteArrayInputStream(data), data.length);

    assertThat(read("streamed")).isEqualTo("streamed content");
  }

  @Test
  void uploadReplacesThePreviousObject() throws IOException {
    put("key", "first version, the longer one");
    put("key", "second");

    assertThat(read("key")).isEqualTo("second");
    assertThat(bucket.attributes("key").size()).isEqualTo(6);
  }

  @Test
  void emptyObject() throws IOException {
    put("empty", "");

    assertThat(bucket.exists("empty")).isTrue();
    assertThat(read("empty")).isEmpty();
    assertThat(bucket.attributes("empty").size()).isZero();
    assertThat(readRange("empty", 0, 10)).isEmpty();
    assertThat(bucket.list("", false)).containsExactly("empty");
  }

  @Test
  void missingObjectIsNotFound() throws IOException {
    put("present", "x");

    assertThatThrownBy(() -> bucket.get("absent")).isInstanceOf(ObjectNotFoundException.class).hasMessageContaining("absent");
    assertThatThrownBy(() -> bucket.getRange("absent", 0, 10)).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> bucket.getRange("absent", 0, 0)).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> bucket.attributes("absent")).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> bucket.get("dir/absent")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(bucket.exists("absent")).isFalse();
  }

  @Test
  void rangeFromTheStart() throws IOException {
    put("digits", "0123456789");

    assertThat(readRange("digits", 0, 4)).isEqualTo("0123");
  }

  @Test
  void rangeInTheMiddle() throws IOException {
    put("digits", "0123456789");

    assertThat(readRange("digits", 3, 4)).isEqualTo("3456");
    assertThat(readRange("digits", 9, 1)).isEqualTo("9");
  }

  @Test
  void rangeReachingPastTheEndStopsAtTheEnd() throws IOException {
    put("digits", "0123456789");

    assertThat(readRange("digits", 7, 100)).isEqualTo("789");
    assertThat(readRange("digits", 0, Long.MAX_VALUE)).isEqualTo("0123456789");
  }

  @Test
  void rangeStartingAtOrAfterTheEndIsEmpty() throws IOException {
    put("digits", "0123456789");

    assertThat(readRange("digits", 10, 5)).isEmpty();
    assertThat(readRange("digits", 25, 5)).isEmpty();
  }

  @Test
  void zeroLengthRangeIsEmpty() throws IOException {
    put("digits", "0123456789");

    assertThat(readRange("digits", 0, 0)).isEmpty();
    assertThat(readRange("digits", 5, 0)).isEmpty();
  }

  @Test
  void negativeRangeIsRejected() throws IOException {
    put("digits", "0123456789");

    assertThatThrownBy(() -> bucket.getRange("digits", -1, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> bucket.getRange("digits", 0, -5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
  }

  @Test
  void existsOnlyForExactKeys() throws IOException {
    put("dir/file", "x");

    assertThat(bucket.exists("dir/file")).isTrue();
    assertThat(bucket.exists("dir")).isFalse();
    assertThat(bucket.exists("dir/fil")).isFalse();
    assertThat(bucket.exists("dir/file/more")).isFalse();
  }

  @Test
  void attributesReportSizeAndModificationTime() throws IOException {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    put("sized", "0123456789abcdef");
    Instant after = Instant.now().plusSeconds(2);

    ObjectAttributes attributes = bucket.attributes("sized");

    assertThat(attributes.size()).isEqualTo(16);
    if (missingCapabilities().contains(Capability.LAST_MODIFIED)) {
      assertThat(attributes.lastModified()).isEqualTo(Instant.EPOCH);
    } else {
      assertThat(attributes.lastModified()).isBetween(before, after);
    }
  }

  @Test
  void deleteRemovesTheObject() throws IOException {
    put("dir/a", "a");
    put("dir/b", "b");

    bucket.delete("dir/a");

    assertThat(bucket.exists("dir/a")).isFalse();
    assertThatThrownBy(() -> bucket.get("dir/a")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(bucket.list("", true)).containsExactly("dir/b");
  }

  @Test
  void deletingAMissingObjectIsFine() throws IOException {
    put("other", "x");

    bucket.delete("absent");
    bucket.delete("dir/absent");

    assertThat(bucket.list("", true)).containsExactly("other");
  }

  @Test
  void directoryDisappearsWithItsLastObject() throws IOException {
    put("tenant/block/meta.json", "{}");
    put("keep", "x");

    bucket.delete("tenant/block/meta.json");

    assertThat(bucket.list("", false)).containsExactly("keep");
    assertThat(bucket.list("tenant/", false)).isEmpty();
  }

  /** Keys of the listing tests, uploaded out of order. */
  private static final List<String> TREE = List.of("c/d/e/f", "b/2", "a.txt", "b/c/3", "ba", "b/1", "B", "0");

  private void putTree() throws IOException {
    for (String key : TREE) {
      put(key, key);
    }
  }

  @Test
  void listNonRecursiveShowsDirectChildrenAndDirectories() throws IOException {
    putTree();

    assertThat(bucket.list("", false)).containsExactly("0", "B", "a.txt", "b/", "ba", "c/");
    assertThat(bucket.list("b/", false)).containsExactly("b/1", "b/2", "b/c/");
    assertThat(bucket.list("c/", false)).containsExactly("c/d/");
    assertThat(bucket.list("c/d/e/", false)).containsExactly("c/d/e/f");
  }

  @Test
  void listRecursiveShowsEveryKeyBelowThePrefix() throws IOException {
    putTree();

    assertThat(bucket.list("", true)).containsExactlyElementsOf(TREE.stream().sorted().toList());
    assertThat(bucket.list("b/", true)).containsExactly("b/1", "b/2", "b/c/3");
    assertThat(bucket.list("c/d/", true)).containsExactly("c/d/e/f");
  }

  @Test
  void listIsSorted() throws IOException {
    List<String> keys = List.of("m", "Z", "a-b", "a/c", "a0", "9/x", "_", "é", "z");
    for (String key : keys) {
      put(key, key);
    }

    List<String> listed = bucket.list("", false);

    // '-' < '/' < '0': a directory sorts by its name with the slash.
    assertThat(listed).isSorted().containsExactly("9/", "Z", "_", "a-b", "a/", "a0", "m", "z", "é");
  }

  @Test
  void keyCanAlsoBeADirectory() throws IOException {
    put("a/b", "below");

    if (missingCapabilities().contains(Capability.KEY_ALSO_A_DIRECTORY)) {
      assertThatThrownBy(() -> put("a", "beside")).isInstanceOf(IOException.class);
      put("c", "file");
      assertThatThrownBy(() -> put("c/d", "below")).isInstanceOf(IOException.class);
      assertThat(bucket.list("", true)).containsExactly("a/b", "c");
      return;
    }
    put("a", "beside");

    assertThat(read("a")).isEqualTo("beside");
    assertThat(read("a/b")).isEqualTo("below");
    assertThat(bucket.list("", false)).containsExactly("a", "a/");
    assertThat(bucket.list("", true)).containsExactly("a", "a/b");
  }

  @Test
  void listPrefixThatIsNotADirectoryMatchesTheStartOfNames() throws IOException {
    putTree();

    assertThat(bucket.list("b", false)).containsExactly("b/", "ba");
    assertThat(bucket.list("b", true)).containsExactly("b/1", "b/2", "b/c/3", "ba");
    assertThat(bucket.list("b/c", false)).containsExactly("b/c/");
    assertThat(bucket.list("a.txt", false)).containsExactly("a.txt");
    assertThat(bucket.list("x", false)).isEmpty();
  }

  @Test
  void listOfAMissingDirectoryIsEmpty() throws IOException {
    putTree();

    assertThat(bucket.list("nope/", false)).isEmpty();
    assertThat(bucket.list("nope/", true)).isEmpty();
    assertThat(bucket.list("a.txt/", true)).isEmpty();
  }

  @Test
  void listOfAnEmptyBucketIsEmpty() throws IOException {
    assertThat(bucket.list("", false)).isEmpty();
    assertThat(bucket.list("", true)).isEmpty();
  }

  @Test
  void listingSpansSeveralPages() throws IOException {
    // Backends tested against a real protocol list in pages of a few keys, so this crosses pages.
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      put("paged/k" + i, "v");
      put("paged/d" + i + "/x", "v");
      expected.add("paged/k" + i);
      expected.add("paged/d" + i + "/");
    }

    assertThat(bucket.list("paged/", false)).containsExactlyElementsOf(expected.stream().sorted().toList());
    assertThat(bucket.list("paged/", true)).hasSize(14);
  }

  @Test
  void keysWithUnicodeAndSpaces() throws IOException {
    String key = "tenant one/プロファイル/größe ä.bin";
    put(key, "unicode");

    assertThat(bucket.exists(key)).isTrue();
    assertThat(read(key)).isEqualTo("unicode");
    assertThat(readRange(key, 2, 3)).isEqualTo("ico");
    assertThat(bucket.attributes(key).size()).isEqualTo(7);
    assertThat(bucket.list("", false)).containsExactly("tenant one/");
    assertThat(bucket.list("tenant one/", false)).containsExactly("tenant one/プロファイル/");
    assertThat(bucket.list("tenant one/プロファイル/", false)).containsExactly(key);
    assertThat(bucket.list("", true)).containsExactly(key);

    bucket.delete(key);

    assertThat(bucket.exists(key)).isFalse();
  }

  @Test
  void keysWithUrlSpecialCharacters() throws IOException {
    String key = "dir/100% + a&b=c?d#e.bin";
    if (missingCapabilities().contains(Capability.URL_SPECIAL_CHARACTERS_IN_KEYS)) {
      assertThatThrownBy(() -> put(key, "special")).isInstanceOf(IOException.class);
      return;
    }
    put(key, "special");

    assertThat(bucket.exists(key)).isTrue();
    assertThat(read(key)).isEqualTo("special");
    assertThat(readRange(key, 1, 3)).isEqualTo("pec");
    assertThat(bucket.list("dir/", false)).containsExactly(key);
    assertThat(bucket.list("dir/100%", true)).containsExactly(key);

    bucket.delete(key);

    assertThat(bucket.exists(key)).isFalse();
  }

  @Test
  void largeObjectStreamsBothWays() throws IOException {
    long seed = 42;
    bucket.upload("large/data.parquet", pattern(seed, LARGE_OBJECT_SIZE), LARGE_OBJECT_SIZE);

    assertThat(bucket.attributes("large/data.parquet").size()).isEqualTo(LARGE_OBJECT_SIZE);
    assertThat(sha256(bucket.get("large/data.parquet"))).isEqualTo(sha256(pattern(seed, LARGE_OBJECT_SIZE)));
    long acrossFiveMiB = 5L * 1024 * 1024 - 100;
    try (InputStream range = bucket.getRange("large/data.parquet", acrossFiveMiB, 300)) {
      assertThat(range.readAllBytes()).isEqualTo(patternBytes(seed, acrossFiveMiB, 300));
    }
    try (InputStream tail = bucket.getRange("large/data.parquet", LARGE_OBJECT_SIZE - 10, 1000)) {
      assertThat(tail.readAllBytes()).isEqualTo(patternBytes(seed, LARGE_OBJECT_SIZE - 10, 10));
    }
  }

  @Test
  void concurrentUploadsToDifferentKeys() throws Exception {
    int writers = 8;
    long size = 300_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> uploads = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        long seed = i;
        uploads.add(pool.submit(() -> {
          start.await();
          bucket.upload("concurrent/" + seed, pattern(seed, size), size);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : uploads) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(bucket.list("concurrent/", false)).hasSize(writers);
    for (int i = 0; i < writers; i++) {
      assertThat(sha256(bucket.get("concurrent/" + i))).as("concurrent/" + i).isEqualTo(sha256(pattern(i, size)));
    }
  }

  @Test
  void uploadShorterThanDeclaredFailsAndStoresNothing() {
    assertThatThrownBy(() -> bucket.upload("short", pattern(1, 100), 101))
        .isInstanceOf(IOException.class).hasMessageContaining("100 of the declared 101 bytes");

    assertLeftNoTrace("short");
  }

  @Test
  void uploadLongerThanDeclaredFailsAndStoresNothing() {
    assertThatThrownBy(() -> bucket.upload("dir/long", pattern(1, 101), 100))
        .isInstanceOf(IOException.class).hasMessageContaining("longer than the declared 100 bytes");

    assertLeftNoTrace("dir/long");
  }

  @Test
  void failedOverwriteKeepsThePreviousObject() throws IOException {
    put("kept", "previous");

    assertThatThrownBy(() -> bucket.upload("kept", pattern(1, 10), 20)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> bucket.upload("kept", pattern(1, LARGE_OBJECT_SIZE - 1), LARGE_OBJECT_SIZE))
        .isInstanceOf(IOException.class);

    assertThat(read("kept")).isEqualTo("previous");
  }

  @Test
  void invalidKeysAreRejected() {
    for (String key : List.of("", "/abs", "dir/", "a//b", "a/../b", "./a", "..", "a/..")) {
      assertThatThrownBy(() -> bucket.upload(key, utf8("x"))).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> bucket.get(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> bucket.exists(key)).as(key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> bucket.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
    }
    for (String prefix : List.of("/", "/abs/", "a//", "../", "a/../b/")) {
      assertThatThrownBy(() -> bucket.list(prefix, true)).as(prefix).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private void assertLeftNoTrace(String key) {
    try {
      if (missingCapabilities().contains(Capability.FAILED_UPLOAD_INVISIBLE)) {
        assertThat(bucket.list("", true)).containsExactly(key);
      } else {
        assertThat(bucket.exists(key)).isFalse();
        assertThat(bucket.list("", true)).isEmpty();
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
