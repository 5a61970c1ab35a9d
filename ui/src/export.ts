// Local-only exports: everything is built in the browser from this server's answers and saved
// as a download; nothing is uploaded anywhere.

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** gzip, as pprof files usually are; the raw bytes where the browser cannot compress. */
export async function gzip(bytes: Uint8Array): Promise<{ data: Blob; gzipped: boolean }> {
  if (typeof CompressionStream === 'undefined') return { data: new Blob([bytes as BlobPart]), gzipped: false };
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return { data: await new Response(stream).blob(), gzipped: true };
}

export function pngOf(canvas: HTMLCanvasElement, name: string): void {
  canvas.toBlob((b) => b && download(name, b), 'image/png');
}

/** A file name from a service and profile type: letters, digits, dot, dash and underscore. */
export function fileBase(service: string, profileType: string): string {
  const clean = (s: string) => s.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '');
  return [clean(service) || 'profile', clean(profileType.split(':').slice(0, 2).join('_'))].filter(Boolean).join('-');
}
