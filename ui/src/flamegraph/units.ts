// Unit-aware formatting of profile values, from the sample unit of the profile type ID
// `name:sample_type:sample_unit:period_type:period_unit`.

export interface ProfileTypeParts {
  id: string;
  name: string;
  sampleType: string;
  sampleUnit: string;
  periodType: string;
  periodUnit: string;
}

export function parseProfileType(id: string): ProfileTypeParts {
  const p = id.split(':');
  return {
    id, name: p[0] ?? '', sampleType: p[1] ?? '', sampleUnit: p[2] ?? '', periodType: p[3] ?? '', periodUnit: p[4] ?? '',
  };
}

const TIME_UNITS: Record<string, number> = { nanoseconds: 1e-9, microseconds: 1e-6, milliseconds: 1e-3, seconds: 1 };

/** Seconds per unit for time units, else undefined. */
export function secondsPerUnit(unit: string): number | undefined {
  return TIME_UNITS[unit];
}

/** Whether values are time spent, so a total over a time range reads as CPU cores. */
export function isTime(unit: string): boolean {
  return TIME_UNITS[unit] !== undefined;
}

export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e12) return trim(v / 1e12, digits) + ' T';
  if (a >= 1e9) return trim(v / 1e9, digits) + ' G';
  if (a >= 1e6) return trim(v / 1e6, digits) + ' M';
  if (a >= 1e4) return trim(v / 1e3, digits) + ' k';
  if (a >= 1) return trim(v, digits);
  return Number(v.toPrecision(digits)).toString();
}

function trim(v: number, digits: number): string {
  return Number(v.toPrecision(digits)).toString();
}

export function formatDuration(seconds: number): string {
  const a = Math.abs(seconds);
  if (a === 0) return '0 s';
  if (a < 1e-6) return trim(seconds * 1e9, 3) + ' ns';
  if (a < 1e-3) return trim(seconds * 1e6, 3) + ' µs';
  if (a < 1) return trim(seconds * 1e3, 3) + ' ms';
  if (a < 60) return trim(seconds, 3) + ' s';
  if (a < 3600) return trim(seconds / 60, 3) + ' min';
  if (a < 86400) return trim(seconds / 3600, 3) + ' h';
  return trim(seconds / 86400, 3) + ' d';
}

export function formatBytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return (i === 0 ? String(Math.round(x)) : trim(x, 3)) + ' ' + units[i];
}

/** A value in the sample unit, e.g. "1.5 s", "12.3 MiB", "4.2 k objects". */
export function formatValue(v: number, unit: string, sampleType = ''): string {
  const sec = secondsPerUnit(unit);
  if (sec !== undefined) return formatDuration(v * sec);
  if (unit === 'bytes') return formatBytes(v);
  const noun = unit === 'count' || unit === '' ? countNoun(sampleType) : unit;
  return formatNumber(v) + (noun ? ' ' + noun : '');
}

function countNoun(sampleType: string): string {
  if (sampleType.includes('objects')) return 'objects';
  if (sampleType === 'goroutines' || sampleType === 'goroutine') return 'goroutines';
  if (sampleType.includes('contentions')) return 'contentions';
  return 'samples';
}

/** Average CPU cores used over a range, for a time-valued total: "0.084 cores". */
export function formatCores(v: number, unit: string, rangeSeconds: number): string | undefined {
  const sec = secondsPerUnit(unit);
  if (sec === undefined || rangeSeconds <= 0) return undefined;
  const cores = (v * sec) / rangeSeconds;
  return (cores >= 100 ? cores.toFixed(0) : Number(cores.toPrecision(3)).toString()) + ' cores';
}

/** The unit a timeline point reads in, and how a step's value converts into it. */
export function timelineUnit(unit: string, sampleType: string): { label: string; perStep: (v: number, stepSeconds: number) => number; format: (v: number) => string } {
  const sec = secondsPerUnit(unit);
  if (sec !== undefined) {
    return { label: 'cores', perStep: (v, s) => (v * sec) / s, format: (v) => Number(v.toPrecision(3)) + ' cores' };
  }
  if (unit === 'bytes') {
    return { label: 'bytes', perStep: (v) => v, format: formatBytes };
  }
  const noun = countNoun(sampleType);
  return { label: noun + ' / s', perStep: (v, s) => v / s, format: (v) => formatNumber(v) + ' /s' };
}

export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (100 * part) / whole;
  return (p >= 10 ? p.toFixed(1) : p >= 0.01 ? p.toFixed(2) : p === 0 ? '0' : '<0.01') + '%';
}
