import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';

export type Unit = 'logs/s' | 'ms' | 'MiB' | 'req/s';

export interface Quantity {
  readonly value: number;
  readonly unit: Unit;
  /** For latencies: the 95th percentile next to the median in `value`. */
  readonly p95?: number;
  /** What was measured, in a few words. */
  readonly what: string;
}

/**
 * One line of the bench's result: Scalelog's figure, the floor it is compared to in the same
 * run, their ratio and the target. `ratio` is `ours / floor`; the target bounds the ratio,
 * or (with no floor) `ours` itself.
 */
export interface Figure {
  readonly id: string;
  readonly title: string;
  readonly ours: Quantity;
  readonly floor?: Quantity;
  readonly ratio?: number;
  /** Absent for a figure that is reported, not judged (no target was set for it). */
  readonly target?: { readonly op: '>=' | '<='; readonly value: number };
  /** Undefined when the figure could not be judged (a failed measurement, or no target). */
  readonly met: boolean | undefined;
  readonly note?: string;
}

export function figure(input: {
  id: string;
  title: string;
  ours: Quantity;
  floor?: Quantity;
  target?: { op: '>=' | '<='; value: number };
  note?: string;
}): Figure {
  const ratio = input.floor === undefined ? undefined : input.ours.value / input.floor.value;
  const judged = ratio ?? input.ours.value;
  const target = input.target;
  const met =
    target !== undefined && Number.isFinite(judged)
      ? target.op === '>='
        ? judged >= target.value
        : judged <= target.value
      : undefined;
  return {
    id: input.id,
    title: input.title,
    ours: input.ours,
    ...(input.floor === undefined ? {} : { floor: input.floor }),
    ...(ratio === undefined ? {} : { ratio }),
    ...(target === undefined ? {} : { target }),
    met,
    ...(input.note === undefined ? {} : { note: input.note }),
  };
}

const fmt = (n: number): string => {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en');
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toFixed(3);
};

const showQuantity = (q: Quantity | undefined): string => {
  if (q === undefined) return '';
  const p95 = q.p95 === undefined ? '' : ` (p95 ${fmt(q.p95)})`;
  return `${fmt(q.value)} ${q.unit}${p95}`;
};

const showTarget = (f: Figure): string =>
  f.target === undefined
    ? 'reported'
    : `${f.floor === undefined ? 'ours' : 'ratio'} ${f.target.op} ${f.target.value.toLocaleString('en')}`;

/** The figures as a plain-text table, with what each floor is below it. */
export function renderTable(heading: string, figures: readonly Figure[]): string {
  const header = ['figure', 'ours', 'floor', 'ratio', 'target', 'met?'];
  const rows = figures.map((f) => [
    f.title,
    showQuantity(f.ours),
    showQuantity(f.floor),
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`,
    showTarget(f),
    f.target === undefined ? '' : f.met === undefined ? 'n/a' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const notes = figures
    .filter((f) => f.floor !== undefined || f.note !== undefined)
    .map(
      (f) =>
        `  ${f.title}: ours = ${f.ours.what}` +
        (f.floor === undefined ? '' : `; floor = ${f.floor.what}`) +
        (f.note === undefined ? '' : `. ${f.note}`),
    );
  return [
    heading,
    line(header),
    rule,
    ...rows.map(line),
    '',
    'What each figure compares:',
    ...notes,
    '',
  ].join('\n');
}

/**
 * Writes `<mode>-<store>-<timestamp>.json` and `latest-<mode>-<store>.json` under `dir`; a run
 * that skipped parts is named `...-partial...`, so it never replaces a complete result.
 */
export async function writeResult(
  dir: string,
  name: { readonly mode: string; readonly store: string; readonly partial: boolean },
  result: unknown,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  // Formatted as the repository's Prettier formats it, so `npm run format` leaves it alone.
  const latest = join(dir, 'latest.json');
  const text = await format(JSON.stringify(result), {
    ...((await resolveConfig(latest)) ?? {}),
    filepath: latest,
  });
  const base = `${name.mode}-${name.store}${name.partial ? '-partial' : ''}`;
  const paths = [join(dir, `${base}-${stamp}.json`), join(dir, `latest-${base}.json`)];
  for (const p of paths) await writeFile(p, text);
  return paths;
}
