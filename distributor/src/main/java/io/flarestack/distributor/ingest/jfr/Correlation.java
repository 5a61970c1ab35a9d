package io.flarestack.distributor.ingest.jfr;

/**
 * What ties a JFR sample to labels and spans beside its stack: the agent's context id, the
 * async-profiler 4 span id and span name (a string id of the labels snapshot) and trace id.
 * Samples with equal stacks but different correlations stay apart. Mutable so that one instance
 * can probe a map without allocating; keys stored in maps are {@linkplain #copy() copies}.
 */
final class Correlation {
  long contextId;
  long spanId;
  long spanName;
  long traceIdHi;
  long traceIdLo;

  Correlation set(long contextId, long spanId, long spanName, long traceIdHi, long traceIdLo) {
    this.contextId = contextId;
    this.spanId = spanId;
    this.spanName = spanName;
    this.traceIdHi = traceIdHi;
    this.traceIdLo = traceIdLo;
    return this;
  }

  boolean isZero() {
    return (contextId | spanId | spanName | traceIdHi | traceIdLo) == 0;
  }

  Correlation copy() {
    return new Correlation().set(contextId, spanId, spanName, traceIdHi, traceIdLo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Correlation c && c.contextId == contextId && c.spanId == spanId && c.spanName == spanName
        && c.traceIdHi == traceIdHi && c.traceIdLo == traceIdLo;
  }

  @Override
  public int hashCode() {
    long h = contextId;
    h = h * 31 + spanId;
    h = h * 31 + spanName;
    h = h * 31 + traceIdHi;
    h = h * 31 + traceIdLo;
    return Long.hashCode(h);
  }
}
