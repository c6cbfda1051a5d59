import { describe, expect, it } from 'vitest';
import {
  createImportProgress,
  formatDuration,
  formatRate,
  formatTimeLeft,
} from '../../src/cli/import-progress.js';
import { CapturedOutput } from './cli-harness.js';

describe('the import progress', () => {
  it('shows the rate in logs per second once there is one to show', () => {
    expect(formatRate(1200, 400)).toBe('… logs/s');
    expect(formatRate(0, 5000)).toBe('… logs/s');
    expect(formatRate(1200, 2000)).toBe('600 logs/s');
    expect(formatRate(89_680, 10_000)).toBe('8,968 logs/s');
  });

  it('shows the time left at the byte rate so far', () => {
    expect(formatTimeLeft(25, 100, 1000)).toBe('3s left');
    expect(formatTimeLeft(1 << 20, 100 << 20, 10_000)).toBe('16m 30s left');
    expect(formatTimeLeft(100, 100, 10_000)).toBe('0s left');
    expect(formatTimeLeft(10, 100, 100)).toBe('… left');
    expect(formatTimeLeft(0, 100, 5000)).toBe('… left');
  });

  it.each([
    [0, '0s'],
    [59_400, '59s'],
    [185_000, '3m 05s'],
    [3_725_000, '1h 02m'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('draws, for a file of known size, the percentage, bytes, lines, rate and time left', () => {
    const terminal = new CapturedOutput();
    terminal.isTTY = true;
    let clock = 1_000;
    const progress = createImportProgress(terminal, 1000, () => clock);
    clock += 2_000;
    progress.update({ lines: 1000, bytes: 250 });
    progress.stop();
    expect(terminal.text).toContain('25% | 250 B of 1000 B | 1000 lines | 500 logs/s | 6s left');
  });

  it('draws, for standard input of unknown size, the bytes, lines and rate', () => {
    const terminal = new CapturedOutput();
    terminal.isTTY = true;
    let clock = 0;
    const progress = createImportProgress(terminal, undefined, () => clock);
    clock += 4_000;
    progress.update({ lines: 2000, bytes: 3 << 20 });
    progress.stop();
    expect(terminal.text).toContain('importing 3.0 MiB | 2000 lines | 500 logs/s');
    expect(terminal.text).not.toContain('left');
  });
});
