// Bar colours: by package (a hash of the package a function belongs to, so one library keeps
// one colour), by value (share of the total), and for diffs a diverging scale from "less in the
// comparison" to "more", blue to red by default because it reads for colour-blind people too.

export type ColorMode = 'package' | 'value';
export type DiffPalette = 'blue-red' | 'green-red';

/**
 * The package of a function name, per naming style:
 * Java `a/b/C.m` → `a/b`, `a.b.C.m` → `a.b`; Go `path/pkg.Func` → `path/pkg`;
 * Rust/C++ `a::b::f` → `a::b`; .NET `Asm.Ns!Class.m` → `Asm.Ns`;
 * files (`lib/x.py:12 - f`, `./index.js:f:19`) → the file; otherwise everything before the
 * last dot, or the name itself.
 */
export function packageOf(name: string): string {
  const bang = name.indexOf('!');
  if (bang > 0) {
    return name.slice(0, bang);
  }
  const file = /^(.*?\.(?:py|rb|js|ts|mjs|cjs|php|go|rs|java|kt|scala|cs|c|cc|cpp|h)):/.exec(name);
  if (file) {
    return file[1];
  }
  if (name.includes('::')) {
    const base = name.replace(/<.*>/g, '');
    const i = base.lastIndexOf('::');
    return i > 0 ? base.slice(0, i) : base;
  }
  const slash = name.lastIndexOf('/');
  if (slash >= 0) {
    const last = name.slice(slash + 1);
    // Java keeps classes after the last slash (a/b/C.m); Go keeps the package name there too
    // (path/pkg.Func, path/pkg.(*T).M), which is lower case.
    const dot = last.indexOf('.');
    if (dot > 0 && /^[a-z_][\w-]*$/.test(last.slice(0, dot)) && !/[A-Z]/.test(last.charAt(0))) {
      return name.slice(0, slash + 1 + dot);
    }
    return name.slice(0, slash);
  }
  // Dotted names: keep the lower-case leading segments (a.b.C.m → a.b; pkg.Func → pkg).
  const parts = name.split('.');
  if (parts.length > 1) {
    const pkg: string[] = [];
    for (const p of parts.slice(0, -1)) {
      if (/^[A-Z(*]/.test(p) && pkg.length > 0) break;
      pkg.push(p);
      if (/^[A-Z]/.test(p)) break;
    }
    return pkg.join('.');
  }
  return name;
}

// 24 hues spread around the wheel; light and dark themes use different lightness.
const HUES = [8, 24, 38, 50, 62, 80, 100, 130, 150, 168, 182, 195, 205, 215, 228, 245, 262, 278, 292, 306, 320, 334, 346, 357];

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function packageColor(name: string, dark: boolean): string {
  const h = hashString(packageOf(name));
  const hue = HUES[h % HUES.length];
  const sat = 55 + ((h >>> 8) % 20);
  const light = dark ? 38 + ((h >>> 16) % 10) : 68 + ((h >>> 16) % 10);
  return `hsl(${hue} ${sat}% ${light}%)`;
}

/** Yellow (small share) to red (large share). */
export function valueColor(share: number, dark: boolean): string {
  const s = Math.max(0, Math.min(1, share));
  const hue = 50 - 50 * Math.sqrt(s);
  return `hsl(${hue.toFixed(1)} 85% ${dark ? 42 : 62}%)`;
}

export const NEUTRAL_DARK = [110, 110, 118];
export const NEUTRAL_LIGHT = [200, 200, 206];

const PALETTES: Record<DiffPalette, { less: number[]; more: number[] }> = {
  // Blue and red differ in lightness and hue for every common colour-vision deficiency.
  'blue-red': { less: [33, 102, 172], more: [202, 0, 32] },
  'green-red': { less: [26, 150, 65], more: [215, 25, 28] },
};

/**
 * The colour for a relative change of a bar's share (comparison share / baseline share - 1):
 * -1 (gone) is fully "less", 0 is neutral, +1 (doubled) or more, and new frames, fully "more".
 */
export function diffColor(change: number, palette: DiffPalette, dark: boolean): string {
  const [r, g, b] = diffRgb(change, palette, dark);
  return `rgb(${r},${g},${b})`;
}

export function diffRgb(change: number, palette: DiffPalette, dark: boolean): number[] {
  const p = PALETTES[palette];
  const neutral = dark ? NEUTRAL_DARK : NEUTRAL_LIGHT;
  const t = Number.isNaN(change) ? 0 : Math.max(-1, Math.min(1, change));
  const target = t < 0 ? p.less : p.more;
  const k = Math.abs(t);
  return neutral.map((n, i) => Math.round(n + (target[i] - n) * k));
}

/** The legend's stops, from -100 % to +100 %. */
export function legendStops(palette: DiffPalette, dark: boolean): { label: string; color: string }[] {
  return [-1, -0.5, -0.2, 0, 0.2, 0.5, 1].map((v) => ({
    label: (v > 0 ? '+' : '') + Math.round(v * 100) + '%',
    color: diffColor(v, palette, dark),
  }));
}
