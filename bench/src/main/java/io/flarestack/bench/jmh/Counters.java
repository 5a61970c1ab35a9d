package io.flarestack.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Work units a benchmark reports beside its operations, as rates per second (JMH secondary
 * results): decompressed pprof bytes, compressed bytes, samples, profiles (rows, for blocks) and
 * block bytes (written or read). The suite turns them into MB/s, samples/s and profiles/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Counters {
  public long rawBytes;
  public long wireBytes;
  public long samples;
  public long profiles;
  public long blockBytes;

  @Setup(Level.Iteration)
  public void reset() {
    rawBytes = 0;
    wireBytes = 0;
    samples = 0;
    profiles = 0;
    blockBytes = 0;
  }

  void add(long raw, long wire, long samples, long profiles) {
    this.rawBytes += raw;
    this.wireBytes += wire;
    this.samples += samples;
    this.profiles += profiles;
  }

  void add(long raw, long wire, long samples, long profiles, long blockBytes) {
    add(raw, wire, samples, profiles);
    this.blockBytes += blockBytes;
  }
}
