// Numbers for people: sizes, rates, durations, times.
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // A no-break space: "32.5 KiB" is never split across two lines.
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)}\u00a0${units[unit]}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

// The browser's local time, in a form no reader can take the wrong way round: English as
// "2026-12-03 06:49:01" (was en-GB's "03/12/2026", which US readers read as March 12),
// Chinese as zh-CN writes it ("2026/12/3 06:49:01": year first too).
export function time(value: string | number | null | undefined, lang: string): string {
  if (value === null || value === undefined || value === '') return '-';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  if (lang === 'zh') return d.toLocaleString('zh-CN');
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function percent(done: number, planned: number): number {
  if (planned <= 0) return 0;
  return Math.min(100, Math.round((done / planned) * 100));
}
