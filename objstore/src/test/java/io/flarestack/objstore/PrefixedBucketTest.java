package io.flarestack.objstore;

import static io.flarestack.objstore.TestObjects.readUtf8;
import static io.flarestack.objstore.TestObjects.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The contract through a prefix, and the prefix's confinement. */
class PrefixedBucketTest extends AbstractBucketContractTest {
  private MemoryBucket shared;

  @Override
  protected Bucket createBucket() throws IOException {
    shared = new MemoryBucket();
    shared.upload("outside", utf8("not mine"));
    shared.upload("cluster-ab/key", utf8("a sibling prefix"));
    return new PrefixedBucket(shared, "cluster-a");
  }

  @Test
  void storesBelowThePrefixAndListsRelativeKeys() throws IOException {
    bucket().upload("tenant/meta.json", utf8("{}"));

    assertThat(readUtf8(shared.get("cluster-a/tenant/meta.json"))).isEqualTo("{}");
    assertThat(bucket().list("", true)).containsExactly("tenant/meta.json");
    assertThat(shared.list("", true)).containsExactly("cluster-a/tenant/meta.json", "cluster-ab/key", "outside");
  }

  @Test
  void cannotReachKeysOutsideThePrefix() {
    assertThatThrownBy(() -> bucket().get("../outside")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new PrefixedBucket(shared, "env/prod/").prefix()).isEqualTo("env/prod/");
    assertThatThrownBy(() -> new PrefixedBucket(shared, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PrefixedBucket(shared, "a/../b")).isInstanceOf(IllegalArgumentException.class);
  }
}
