package io.flarestack.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flarestack.common.errors.ErrorCode;
import io.flarestack.common.errors.FlarestackException;
import io.flarestack.common.errors.TooLargeException;
import io.grpc.Context;
import org.junit.jupiter.api.Test;

class RequestMemoryTest {
  @Test
  void aRequestThatCanNeverFitIs413AndOneThatDoesNotFitNowIs429() {
    MemoryBudget budget = new MemoryBudget(1000);
    RequestMemory a = budget.open();
    assertThatThrownBy(() -> a.reserve(1001, "the body"))
        .isInstanceOfSatisfying(TooLargeException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(413);
          assertThat(e.getMessage()).contains("1001").contains("the body").contains("1000").contains(MemoryBudget.FLAG);
        });
    a.reserve(700, "the body");
    RequestMemory b = budget.open();
    assertThatThrownBy(() -> b.reserve(400, "its body"))
        .isInstanceOfSatisfying(FlarestackException.class, e -> {
          assertThat(e).isNotInstanceOf(TooLargeException.class);
          assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
          assertThat(e.httpStatus()).isEqualTo(429);
          assertThat(e.getMessage()).contains("700 of the 1000").contains("retry");
        });
    b.reserve(300, "its body");
    assertThat(budget.used()).isEqualTo(1000);
    a.close();
    a.close(); // idempotent
    assertThat(budget.used()).isEqualTo(300);
    b.release(100);
    assertThat(b.held()).isEqualTo(200);
    b.close();
    assertThat(budget.used()).isZero();
  }

  @Test
  void aHoldKeepsTheReservationUntilTheLastUserLetsGo() {
    MemoryBudget budget = new MemoryBudget(1000);
    RequestMemory m = budget.open();
    m.reserve(500, "x");
    RequestMemory.Hold hold = m.retain();
    m.close(); // the client left
    assertThat(budget.used()).isEqualTo(500);
    m.reserve(100, "more decoding"); // still counted while held
    assertThat(budget.used()).isEqualTo(600);
    hold.close();
    hold.close();
    assertThat(budget.used()).isZero();
    m.reserve(100, "after the end"); // not counted any more
    assertThat(budget.used()).isZero();
    m.retain().close(); // a hold after the end changes nothing
    assertThat(budget.used()).isZero();
  }

  @Test
  void theCurrentRequestIsFoundInTheContextElseAnUnboundedOne() throws Exception {
    MemoryBudget budget = new MemoryBudget(100);
    RequestMemory m = budget.open();
    assertThat(m.attachTo(Context.ROOT).call(RequestMemory::current)).isSameAs(m);
    RequestMemory outside = RequestMemory.current();
    outside.reserve(Long.MAX_VALUE / 2, "anything");
    assertThat(outside.available()).isEqualTo(Long.MAX_VALUE);
    assertThat(budget.used()).isZero();
  }
}
