package io.flarestack.common.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FlarestackExceptionTest {
  @Test
  void grpcStatusesKeepTheirCodeAndDescription() {
    // What an HTTP handler gets back from an in-process Querier call for bad input.
    FlarestackException e = FlarestackException.from(Status.INVALID_ARGUMENT
        .withDescription("max_nodes 1000000000 exceeds the limit of 1048576").asRuntimeException());
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.code().httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("max_nodes 1000000000 exceeds the limit of 1048576");
    assertThat(FlarestackException.from(Status.NOT_FOUND.asException()).code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(FlarestackException.from(Status.NOT_FOUND.asException()).getMessage()).isEqualTo("NOT_FOUND");
    assertThat(FlarestackException.from(Status.UNIMPLEMENTED.withDescription("x").asRuntimeException()).code().httpStatus())
        .isEqualTo(501);
  }

  @Test
  void wrappersAreLookedThrough() {
    FlarestackException inner = FlarestackException.invalidArgument("bad %s", "thing");
    assertThat(FlarestackException.from(new CompletionException(inner))).isSameAs(inner);
    assertThat(FlarestackException.from(new ExecutionException(new CompletionException(inner)))).isSameAs(inner);
    FlarestackException viaGrpc = FlarestackException.from(
        new CompletionException(Status.RESOURCE_EXHAUSTED.withDescription("slow down").asRuntimeException()));
    assertThat(viaGrpc.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(viaGrpc.getMessage()).isEqualTo("slow down");
  }

  @Test
  void anythingElseIsInternal() {
    assertThat(FlarestackException.from(new IllegalStateException("boom")).code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(FlarestackException.from(new IllegalStateException("boom")).getMessage()).isEqualTo("boom");
    // What a client is told of the same failure: not its message, which may name server files.
    FlarestackException told = FlarestackException.forClient(new java.util.concurrent.CompletionException(
        new java.io.UncheckedIOException(new java.io.IOException("/var/lib/flarestack/wal/7.wal: gone"))));
    assertThat(told.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(told.getMessage()).isEqualTo("internal error (UncheckedIOException); the details are in the server's log");
    assertThat(FlarestackException.forClient(FlarestackException.invalidArgument("bad %s", "x")).getMessage())
        .isEqualTo("bad x");
    assertThat(FlarestackException.from(new NullPointerException()).getMessage()).isEqualTo("NullPointerException");
    assertThat(FlarestackException.from(new CompletionException(null)).code()).isEqualTo(ErrorCode.INTERNAL);
  }
}
