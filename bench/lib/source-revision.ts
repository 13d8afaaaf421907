import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The commit measured, and whether the benchmarked sources (src/, sql/, bench/) had uncommitted changes. */
export function sourceRevision(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: join(__dirname, '..', '..'), encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'sql', 'bench') !== '';
    return `source: ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' WITH UNCOMMITTED CHANGES in src/, sql/ or bench/' : ' (no uncommitted changes in src/, sql/, bench/)'}`;
  } catch {
    return 'source: not a git checkout';
  }
}
