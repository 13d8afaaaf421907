// Checked by `npm run typecheck` (part of `npm run lint`), never run: a task output feeds only parameters of its type.
// Each `@ts-expect-error` fails the type check if the line below it ever compiles.
import { defineDag } from '../../src/dag/define-dag';

interface Tasks {
  listFiles(): Promise<string[]>;
  publish(count: number): Promise<void>;
  publishAll(files: string[]): Promise<void>;
  size(file: string): Promise<number>;
  total(sizes: number[]): Promise<number>;
  stats(): Promise<{ rows: number; table: string }>;
  load(options: { rows: number; table: string }): Promise<void>;
}

export const typedOutputs = defineDag({ dagId: 'typed_outputs' }, (dag) => {
  const t = dag.tasks<Tasks>();
  const files = t.listFiles();
  t.publishAll(files);
  // @ts-expect-error string[] does not feed a number parameter
  t.publish(files);
  // A mapped task's output is the list of its results.
  const sizes = t.size.expand(files);
  t.total(sizes);
  // @ts-expect-error the mapped output is number[], not number
  t.publish(sizes);
  // A multipleOutputs key has the type of that field; a whole object feeds an object parameter field by field.
  const stats = t.stats();
  t.publish(stats.rows);
  t.load({ rows: stats.rows, table: stats.table });
  // @ts-expect-error `table` is a string
  t.publish(stats.table);
  // An output read under a key nobody typed may feed anything (it is checked at run time).
  t.publish(files.get('count'));
});
