import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../../../lib/paths.js';

// The dashboard's files: its own page and modules (web/), and the front-end libraries' browser
// builds taken as they are from node_modules, so there is no build step. Only the paths in the
// table below are served; a request names an entry, never a file on disk.

const WEB_DIR = join(projectRoot, 'services', 'apiserver', 'dashboard', 'web');
const MODULES = join(projectRoot, 'node_modules');

/** Single files under vendor/, by the name the page's import map uses. */
const VENDOR_FILES: Record<string, string> = {
  'preact.js': join(MODULES, 'preact', 'dist', 'preact.module.js'),
  'preact-hooks.js': join(MODULES, 'preact', 'hooks', 'dist', 'hooks.module.js'),
  'htm.js': join(MODULES, 'htm', 'dist', 'htm.module.js'),
  'uplot.js': join(MODULES, 'uplot', 'dist', 'uPlot.esm.js'),
  'uplot.css': join(MODULES, 'uplot', 'dist', 'uPlot.min.css'),
};

/** Folders under vendor/ served with their subfolders (the yaml package's browser build is many modules). */
const VENDOR_TREES: Record<string, string> = {
  yaml: join(MODULES, 'yaml', 'browser', 'dist'),
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  type: string;
  body: Buffer;
  /** The body gzipped, when that makes it smaller. */
  gzipped?: Buffer;
  etag: string;
  /** The SHA-256 of the page's inline import map, which the Content-Security-Policy allows by hash. */
  importMapHash?: string;
}

/** A file below `root` named by a relative path, or undefined if the path leaves it. */
function within(root: string, relative: string): string | undefined {
  const file = normalize(join(root, relative));
  return file.startsWith(root + sep) ? file : undefined;
}

/** The file on disk a dashboard path names, if it names one that is served. */
export function assetFile(path: string): string | undefined {
  if (path === '' || path === 'index.html') return join(WEB_DIR, 'index.html');
  if (!TYPES[extname(path)]) return undefined;
  const [top, ...rest] = path.split('/');
  if (top === 'vendor') {
    if (rest.length === 1) return VENDOR_FILES[rest[0]!];
    const tree = VENDOR_TREES[rest[0] ?? ''];
    return tree && rest.length > 1 ? within(tree, rest.slice(1).join('/')) : undefined;
  }
  return within(WEB_DIR, path);
}

/** Loads and compresses each file once; the files belong to the installed program and do not change while it runs. */
export class AssetCache {
  private readonly assets = new Map<string, Promise<Asset | undefined>>();

  get(path: string): Promise<Asset | undefined> {
    let asset = this.assets.get(path);
    if (!asset) {
      asset = load(path);
      this.assets.set(path, asset);
      // Misses are not kept: the table would grow with every path a client makes up.
      void asset.then((found) => found ?? this.assets.delete(path));
    }
    return asset;
  }
}

async function load(path: string): Promise<Asset | undefined> {
  const file = assetFile(path);
  if (!file) return undefined;
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return undefined;
  }
  const gzipped = gzipSync(body, { level: 9 });
  return {
    type: TYPES[extname(file)]!,
    body,
    gzipped: gzipped.length < body.length ? gzipped : undefined,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    importMapHash: importMapHash(body.toString('utf8')),
  };
}

function importMapHash(html: string): string | undefined {
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return map === undefined ? undefined : createHash('sha256').update(map).digest('base64');
}
