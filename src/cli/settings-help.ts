import { defaultConfig } from '../config/config.js';
import type { Config } from '../config/config.js';
import { configFileEnv } from '../config/load-config.js';
import { configSettings } from '../config/settings.js';

/** A default as typed: `127.0.0.1:8080`, `2000`, `false`. */
function shownDefault(key: keyof Config): string {
  if (key === 'listen') return `${defaultConfig.listen.host}:${defaultConfig.listen.port}`;
  const value = defaultConfig[key];
  return value === undefined ? 'none' : String(value);
}

/** `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(`${indent}${line}`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

/**
 * The settings of `serve --help`, from the one list the config loader reads: for each its
 * settings-file key, flag, environment variable, default and what it is.
 */
export function settingsHelp(): string {
  const lines = [
    '',
    'Settings: a flag wins over its environment variable, which wins over the settings file',
    `(--config FILE or ${configFileEnv}: a JSON object of the keys below), which wins over the`,
    'default [in brackets]. README.md, section "Settings", tells more.',
  ];
  for (const [key, setting] of Object.entries(configSettings)) {
    const names = [key, setting.flagName, setting.env].filter((n) => n !== undefined);
    const value = setting.defaultText ?? shownDefault(key as keyof Config);
    lines.push(`  ${names.join(', ')}  [${value}]`, ...wrap(setting.summary, '      ', 92));
  }
  return lines.join('\n');
}
