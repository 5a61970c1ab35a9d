package io.flarestack.objstore;

/** The bucket contract on the heap. */
class MemoryBucketTest extends AbstractBucketContractTest {
  @Override
  protected Bucket createBucket() {
    return new MemoryBucket();
  }
}
