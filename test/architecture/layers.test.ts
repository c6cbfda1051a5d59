import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layering ARCHITECTURE.md describes, checked against every import in src/: a file may
// import its own layer and the layers listed for it, nothing above. A new folder must be
// placed here (and in ARCHITECTURE.md) before its files can import anything.

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Files of a resource folder that hold its rules: they never see HTTP. */
const serviceFiles = new Set(['service.ts', 'batch.ts', 'changes.ts']);

type Layer =
  | 'shared'
  | 'domain'
  | 'errors'
  | 'log-format'
  | 'store'
  | 'auth'
  | 'ingest'
  | 'engine'
  | 'config'
  | 'service'
  | 'http'
  | 'resource'
  | 'composition'
  | 'cli'
  | 'main';

const sharedBase: readonly Layer[] = ['errors', 'log-format', 'domain', 'shared'];
const service: readonly Layer[] = ['engine', 'ingest', 'store', 'config', ...sharedBase];
const resource: readonly Layer[] = ['http', 'service', 'auth', ...service];
const composition: readonly Layer[] = ['resource', ...resource];

const below: Readonly<Record<Layer, readonly Layer[]>> = {
  shared: [],
  domain: ['shared'],
  errors: ['domain', 'shared'],
  'log-format': ['domain', 'shared'],
  store: ['domain', 'shared'],
  auth: ['store', 'domain', 'shared'],
  ingest: ['log-format', 'store', 'domain', 'shared'],
  engine: ['store', 'errors', 'domain', 'shared'],
  config: ['auth', 'store', 'domain', 'shared'],
  service,
  http: ['config', 'auth', 'store', ...sharedBase],
  resource,
  composition,
  cli: ['composition', ...composition],
  main: ['cli', 'composition', 'config', 'store', 'shared'],
};

function layerOf(file: string): Layer {
  const [top, , name] = file.split('/');
  if (top === 'resources') return serviceFiles.has(name ?? '') ? 'service' : 'resource';
  if (top === 'app.ts' || top === 'services.ts') return 'composition';
  if (top === 'main.ts') return 'main';
  if (top !== undefined && top in below) return top as Layer;
  throw new Error(`${file} is in no layer: place its folder in test/architecture/layers.test.ts`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every relative import and re-export of a file, as paths relative to src/. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map((m) =>
    relative(src, normalize(join(dirname(path), (m[1] ?? '').replace(/\.js$/, '.ts')))),
  );
}

const files = sourceFiles(src).map((path) => ({ path, file: relative(src, path) }));

describe('layers', () => {
  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf(join(src, 'app.ts'))).toContain('services.ts');
  });

  it('no file imports a layer above its own', () => {
    const upward: string[] = [];
    for (const { path, file } of files) {
      const layer = layerOf(file);
      for (const target of importsOf(path)) {
        const to = layerOf(target);
        if (to !== layer && !below[layer].includes(to)) {
          upward.push(`${file} (${layer}) imports ${target} (${to})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('a resource uses no other resource, and its rules never see Fastify', () => {
    const wrong: string[] = [];
    for (const { path, file } of files) {
      const text = readFileSync(path, 'utf8');
      const layer = layerOf(file);
      if (
        (layer === 'service' || layer === 'domain' || layer === 'engine') &&
        /from 'fastify'/.test(text)
      ) {
        wrong.push(`${file} imports fastify`);
      }
      if (layer !== 'service' && layer !== 'resource') continue;
      const own = file.split('/')[1];
      for (const target of importsOf(path)) {
        const [top, other] = target.split('/');
        if (top === 'resources' && other !== own) wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
