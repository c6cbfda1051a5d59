import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { configFileEnv } from '../../src/config/load-config.js';
import { configSettings } from '../../src/config/settings.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const settingsTable = readme
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .join('\n');

describe('the README settings table', () => {
  it.each(Object.entries(configSettings))(
    'documents %s with its variable, flag and default',
    (key, setting) => {
      const row = settingsTable
        .split('\n')
        .find((line) => new RegExp(`^\\| \`${key}\` +\\|`).test(line));
      expect(row, `a row for ${key}`).toBeDefined();
      expect(row).toContain(`\`${setting.env}\``);
      if (setting.flagName !== undefined) expect(row).toContain(`\`${setting.flagName}\``);
      const value = defaultConfig[key as keyof typeof defaultConfig];
      if (value === undefined) {
        // No default: the default column says so.
        expect(row?.split('|')[4]?.trim()).toBe('none');
        return;
      }
      const shown = typeof value === 'object' ? `${value.host}:${value.port}` : String(value);
      expect(row).toContain(`\`${shown}\``);
    },
  );

  it('names the settings file variable', () => {
    expect(readme).toContain(configFileEnv);
  });
});
