import { readFileSync } from 'node:fs';
import path from 'node:path';

// The README's "Use it" snippets are the files in docs/examples/readme, which scripts/check-package.sh compiles
// (CommonJS and ES modules) and runs against the packed library: the two must not drift apart.
const root = path.join(__dirname, '..', '..');
const FILES = ['worker.ts', 'activities.ts', 'workflows.ts', 'client.ts'];

describe('README snippets', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

  test.each(FILES)('%s appears in the README exactly as in docs/examples/readme', (file) => {
    const source = readFileSync(path.join(root, 'docs', 'examples', 'readme', file), 'utf8');
    const block = blocks.find((b) => b?.startsWith(`// ${file} `));
    expect(block).toBe(source);
  });
});
