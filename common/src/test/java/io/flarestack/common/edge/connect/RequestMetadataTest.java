package io.flarestack.common.edge.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.flarestack.common.tenant.Tenant;
import io.grpc.Metadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Connect adapter must hand every tenant header value to the tenant interceptor, not one. */
class RequestMetadataTest {
  @Test
  void everyValueOfARepeatedHeaderIsKeptInOrder() {
    Metadata md = RequestMetadata.from(Map.of("x-scope-orgid", List.of("tenant-a", "tenant-b")));
    assertThat(md.getAll(Tenant.METADATA_KEY)).containsExactly("tenant-a", "tenant-b");
  }
}
