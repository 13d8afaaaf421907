import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The commit measured, and whether the plugin's sources had uncommitted changes (as bench:store reports it). */
export function sourceRevision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: join(__dirname, '..', '..'), encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'src', 'sql') !== '';
    return `source: ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/ or sql/' : ''}`;
  } catch {
    return 'source: not a git checkout';
  }
}
