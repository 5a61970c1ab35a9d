package io.flarestack.common.edge.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GrpcMetricsInterceptorTest {
  @Test
  void statusNamesAreGosCodeNames() {
    // google.golang.org/grpc/codes Code.String() for every code, in code order.
    assertThat(Arrays.stream(Status.Code.values()).map(GrpcMetricsInterceptor::goName)).containsExactly("OK", "Canceled",
        "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied",
        "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable",
        "DataLoss", "Unauthenticated");
  }
}
