package io.flarestack.common.edge.grpc;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the body of a unary gRPC method and completes the observer: the result, or the error
 * mapped through {@link FlarestackException#forClient(Throwable)} to its status. Every service
 * implementation answers through this, so errors look the same over gRPC and Connect.
 */
public final class GrpcCalls {
  private static final Logger log = LoggerFactory.getLogger(GrpcCalls.class);

  private GrpcCalls() {}

  public static <T> void unary(StreamObserver<T> observer, Callable<T> body) {
    T result;
    try {
      result = body.call();
    } catch (Exception t) {
      FlarestackException e = FlarestackException.forClient(t);
      if (e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.UNKNOWN) {
        log.error("request failed", t);
      }
      observer.onError(e.toStatusException());
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }
}
