package io.flarestack.distributor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.api.google.v1.Function;
import io.flarestack.api.google.v1.Profile;
import io.flarestack.api.google.v1.ValueType;
import io.flarestack.common.errors.TooLargeException;
import io.flarestack.common.io.MemoryBudget;
import io.flarestack.common.io.RequestMemory;
import io.grpc.Context;
import org.junit.jupiter.api.Test;

class PprofUploadsTest {
  @Test
  void scriptingNamesAreRewrittenOncePerFileAndFunction() throws Exception {
    Profile p = Profile.newBuilder()
        .addStringTable("").addStringTable("cpu").addStringTable("count").addStringTable("app.py")
        .addStringTable("main").addStringTable("work")
        .addSampleType(ValueType.newBuilder().setType(1).setUnit(2))
        .addFunction(Function.newBuilder().setId(1).setName(4).setFilename(3))
        .addFunction(Function.newBuilder().setId(2).setName(5).setFilename(3))
        .addFunction(Function.newBuilder().setId(3).setName(4).setFilename(3))
        .build();
    Profile out = Profile.parseFrom(PprofUploads.prepare(p.toByteArray(), null, "pyspy", 1, 0, 0, 0).bytes());
    assertThat(out.getFunctionList()).extracting(f -> out.getStringTable((int) f.getName()))
        .containsExactly("app.py:-1 - main", "app.py:-1 - work", "app.py:-1 - main");
    assertThat(out.getStringTableCount()).isEqualTo(p.getStringTableCount() + 2);
  }

  @Test
  void rewrittenNamesAreReservedSoALongFileNameCannotMultiplyIntoGigabytes() {
    // Found while writing the fuzz targets, shown by its allocation check: 280 KB of pprof (one
    // 200 KB file name shared by 5000 functions) spelled 5000 names of 200 KB each, 1 GB, unreserved.
    Profile.Builder b = Profile.newBuilder().addStringTable("").addStringTable("a".repeat(200_000));
    for (int i = 0; i < 5000; i++) {
      b.addStringTable("f" + i).addFunction(Function.newBuilder().setId(i + 1).setName(2 + i).setFilename(1));
    }
    byte[] body = b.build().toByteArray();
    assertThat(body.length).isLessThan(300_000);
    try (RequestMemory m = new MemoryBudget(64 << 20).open()) {
      assertThatThrownBy(() -> m.attachTo(Context.ROOT).call(() -> PprofUploads.prepare(body, null, "pyspy", 1, 0, 0, 0)))
          .isInstanceOf(TooLargeException.class)
          .hasMessageContaining("for the rewritten function names of the profile")
          .hasMessageContaining("-server.max-inflight-request-bytes");
    }
  }
}
