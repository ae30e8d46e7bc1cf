import { existsSync, readFileSync } from 'node:fs';

/** The package version: package.json sits one folder up from the sources (cli/) and two from the build (dist/cli/). */
export function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'segsync' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}

/** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream: { isTTY?: boolean } = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** The width to fit: the terminal's, else $COLUMNS when set, else none (full lines). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  if (stream.isTTY && stream.columns) return stream.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env >= 40 ? env : undefined;
}
