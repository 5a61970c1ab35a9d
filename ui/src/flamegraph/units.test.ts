import { describe, expect, it } from 'vitest';
import { formatCores, formatValue, parseProfileType, percent, timelineUnit } from './units';

describe('units', () => {
  it('formats by the sample unit of the profile type', () => {
    const cpu = parseProfileType('process_cpu:cpu:nanoseconds:cpu:nanoseconds');
    expect(formatValue(5_020_648_123, cpu.sampleUnit)).toBe('5.02 s');
    expect(formatValue(90e9, 'nanoseconds')).toBe('1.5 min');
    expect(formatValue(1500, 'microseconds')).toBe('1.5 ms');
    expect(formatValue(541_672_846, 'bytes')).toBe('517 MiB');
    expect(formatValue(1_911_643, 'count', 'inuse_objects')).toBe('1.91 M objects');
    expect(formatValue(478, 'count', 'samples')).toBe('478 samples');
  });

  it('turns CPU time over a range into cores', () => {
    expect(formatCores(30e9, 'nanoseconds', 60)).toBe('0.5 cores');
    expect(formatCores(5, 'bytes', 60)).toBeUndefined();
    expect(timelineUnit('nanoseconds', 'cpu').perStep(15e9, 15)).toBeCloseTo(1, 9);
  });

  it('prints percentages', () => {
    expect(percent(1, 3)).toBe('33.3%');
    expect(percent(1, 200)).toBe('0.50%');
    expect(percent(0, 0)).toBe('0%');
  });
});
