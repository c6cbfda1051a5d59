import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseStoreUrl } from '../store/parse-store-url.js';
import { defaultConfig } from './config.js';
import type { Config } from './config.js';
import { ConfigError } from './config-error.js';
import { Invalid, isLoopback, showValue } from './setting-values.js';
import type { Candidate } from './setting-values.js';
import { configSettings } from './settings.js';
import type { ConfigFlags, Setting } from './settings.js';

export interface LoadConfigOptions {
  /** The environment to read `SCALELOG_*` variables from; `main.ts` passes `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags?: ConfigFlags;
}

/** The environment variable that names the settings file when `--config` is not given. */
export const configFileEnv = 'SCALELOG_CONFIG';

type SettingKey = keyof Config;
const settingKeys = Object.keys(configSettings) as SettingKey[];

/**
 * Builds Scalelog's settings from, lowest to highest precedence: {@link defaultConfig}, an
 * optional JSON file (`--config FILE` or `SCALELOG_CONFIG`; its keys are the names of
 * {@link Config}), `SCALELOG_*` environment variables, and command-line flags.
 *
 * Only the value that wins for each setting is validated, so a bad variable overridden by a
 * flag does no harm. Every problem is collected and thrown together in one
 * {@link ConfigError}. An empty environment variable counts as unset. The result is
 * deeply frozen.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const { env } = options;
  const flags = options.flags ?? {};
  const problems: string[] = [];

  const fromEnv = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

  const filePath = flags.config ?? fromEnv(configFileEnv);
  const file =
    filePath === undefined
      ? {}
      : await readConfigFile(
          filePath,
          flags.config === undefined ? configFileEnv : '--config',
          problems,
        );

  /** Where each setting that was given came from, for problems spanning two settings. */
  const sources = new Map<SettingKey, string>();
  const resolve = <K extends SettingKey>(key: K): Config[K] | undefined => {
    const setting: Setting<Config[K]> = configSettings[key];
    const candidate = pickCandidate(key, setting, flags, fromEnv, file, filePath);
    if (candidate === undefined) return undefined;
    sources.set(key, candidate.source);
    const parsed = setting.parse(candidate);
    if (!(parsed instanceof Invalid)) return parsed;
    const shown = (setting.show ?? showValue)(candidate.value);
    problems.push(`${candidate.source} = ${shown}: ${parsed.reason}`);
    return undefined;
  };
  const merged: { -readonly [K in SettingKey]: Config[K] } = { ...defaultConfig };
  const set = <K extends SettingKey>(key: K, value: Config[K] | undefined): void => {
    if (value !== undefined) merged[key] = value;
  };
  for (const key of settingKeys) set(key, resolve(key));
  // The key file belongs with the database whose secret keys it unlocks.
  if (!sources.has('secretKeyFile')) merged.secretKeyFile = defaultSecretKeyFile(merged.db);
  // Development mode serves the developer endpoints unless they were set either way.
  if (merged.dev && !sources.has('devTriggers')) merged.devTriggers = true;

  // The development credential is public, so a dev server must not be reachable from elsewhere.
  if (merged.dev && !isLoopback(merged.listen.host)) {
    problems.push(
      `${sources.get('dev') ?? 'dev'} serves the public development credential, so it listens only on ` +
        `this machine, but ${sources.get('listen') ?? 'listen'} is ${merged.listen.host}: use ` +
        '127.0.0.1 (or any 127.x.x.x), ::1 or localhost, or drop --dev and use real credentials',
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...merged, listen: Object.freeze({ ...merged.listen }) });
}

/** The file name of the secret key file beside an SQLite database. */
const secretKeyFileName = 'scalelog.key';

/**
 * Where the secret key file is when `secretKeyFile` is not set: `scalelog.key` in the folder
 * of an SQLite database (so `data/scalelog.key` for the default `data/scalelog.db`), whatever
 * the working directory; with PostgreSQL or an in-memory database, which have no folder,
 * `data/scalelog.key` in the working directory.
 */
export function defaultSecretKeyFile(db: string): string {
  let target;
  try {
    target = parseStoreUrl(db);
  } catch {
    return defaultConfig.secretKeyFile;
  }
  return target.backend === 'sqlite' && target.path !== ':memory:'
    ? join(dirname(target.path), secretKeyFileName)
    : defaultConfig.secretKeyFile;
}

function pickCandidate(
  key: SettingKey,
  setting: Setting<unknown>,
  flags: ConfigFlags,
  fromEnv: (name: string) => string | undefined,
  file: Readonly<Record<string, unknown>>,
  filePath: string | undefined,
): Candidate | undefined {
  const flagValue = setting.flag === undefined ? undefined : flags[setting.flag];
  if (flagValue !== undefined) {
    return { value: flagValue, source: setting.flagName ?? key, fromText: true };
  }
  const envValue = fromEnv(setting.env);
  if (envValue !== undefined) return { value: envValue, source: setting.env, fromText: true };
  if (Object.hasOwn(file, key)) {
    return {
      value: file[key],
      source: `"${key}" in ${filePath ?? 'the config file'}`,
      fromText: false,
    };
  }
  return undefined;
}

async function readConfigFile(
  path: string,
  namedBy: string,
  problems: string[],
): Promise<Readonly<Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    problems.push(`config file ${path} (from ${namedBy}) cannot be read: ${why}`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    problems.push(
      `config file ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `config file ${path} must hold a JSON object of settings such as {"db": "data/scalelog.db"}`,
    );
    return {};
  }
  const known = new Set<string>(settingKeys);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      problems.push(
        `config file ${path} has an unknown setting "${key}"; known: ${settingKeys.join(', ')}`,
      );
    }
  }
  return value as Record<string, unknown>;
}
