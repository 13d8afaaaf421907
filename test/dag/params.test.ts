// A DAG's params and conf (pure: no server): declaring, typing, checking at define time and when a run starts.
import { DagValidationError } from '../../src/dag/dag-validation-error';
import { defineDag } from '../../src/dag/define-dag';
import { param, resolveParams } from '../../src/dag/params';
import { RunValue } from '../../src/dag/run-value';

type Acts = {
  useNumber(n: number): Promise<void>;
  useString(s: string): Promise<void>;
  useAll(params: { limit: number; title: string }): Promise<void>;
  useConf(conf: { message?: string }): Promise<void>;
};

const problemsOf = (build: () => unknown): readonly string[] => {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(DagValidationError);
    return (err as DagValidationError).problems;
  }
  throw new Error('expected a DagValidationError');
};

describe('params when a run starts (conf over defaults, schemas checked)', () => {
  const spec = {
    limit: param({ type: 'integer', default: 10, minimum: 1, maximum: 100 }),
    title: 'Daily',
    mode: param({ type: ['null', 'string'], enum: [null, 'fast', 'full'], default: null }),
    code: param({ type: 'string', pattern: '^[A-Z]{3}$' }),
  };

  test('defaults, overridden by conf; conf keys the DAG does not declare are params too (dag_run_conf_overrides_params)', () => {
    expect(resolveParams(spec, { code: 'ABC', limit: 5, extra: [1] })).toEqual({
      params: { limit: 5, title: 'Daily', mode: null, code: 'ABC', extra: [1] },
      problems: [],
    });
  });

  test('every missing or invalid param is named', () => {
    expect(resolveParams(spec, { limit: 2.5, mode: 'slow', code: 'abcd' }).problems).toEqual([
      'param \'limit\' must be integer, got 2.5',
      'param \'mode\' must be one of null, "fast", "full", got "slow"',
      'param \'code\' must match /^[A-Z]{3}$/, got "abcd"',
    ]);
    expect(resolveParams(spec, undefined).problems).toEqual(["param 'code' is required and has no default: give it in the run's conf"]);
    expect(resolveParams(spec, { code: 'ABC', limit: 0 }).problems).toEqual(["param 'limit' must be at least 1, got 0"]);
    expect(resolveParams(spec, ['not', 'an', 'object']).problems).toEqual(['conf must be an object, got a list']);
  });

  test("a sensitive param's value is never shown in a problem (Airflow's names: token, password, secret, …)", () => {
    const secret = 'sk-live-4f1e-never-in-logs';
    const sensitive = {
      api_token: param({ type: 'string', pattern: '^tok-' }),
      db_password: param({ type: 'string', enum: ['a', 'b'] }),
      client_secret: param({ type: 'integer' }),
    };
    const { problems } = resolveParams(sensitive, { api_token: secret, db_password: secret, client_secret: secret });
    expect(problems).toEqual([
      "param 'api_token' must match /^tok-/, got *** (a string)",
      'param \'db_password\' must be one of "a", "b", got *** (a string)',
      "param 'client_secret' must be integer, got *** (a string)",
    ]);
    expect(problems.join('\n')).not.toContain(secret);
  });

  test('a plain default accepts any value; a DAG without params takes the conf as its params', () => {
    expect(resolveParams({ title: 'Daily' }, { title: 42 }).problems).toEqual([]);
    expect(resolveParams(undefined, { message: 'hi' })).toEqual({ params: { message: 'hi' }, problems: [] });
  });
});

describe('params when the DAG is defined', () => {
  test('a bad default, an unknown type, a bad pattern, an empty workflowType', () => {
    expect(
      problemsOf(() =>
        defineDag(
          {
            dagId: 'bad_params',
            workflowType: '',
            params: {
              limit: param({ type: 'integer', default: 0, minimum: 1 }),
              kind: param({ type: 'text' as 'string', default: 'x' }),
              code: param({ type: 'string', pattern: '([', default: 'x' }),
            },
          },
          () => {},
        ),
      ),
    ).toEqual([
      "workflowType must be a non-empty string, got ''",
      "default of param 'limit' must be at least 1, got 0",
      "param 'kind': type \"text\" is not one of string, number, integer, boolean, array, object, null",
      "param 'code': pattern \"([\" is not a valid regular expression",
    ]);
  });

  test('a scheduled DAG cannot have a required param (Airflow refuses it too)', () => {
    expect(problemsOf(() => defineDag({ dagId: 'scheduled', schedule: '@daily', params: { region: param({ type: 'string' }) } }, () => {}))).toEqual([
      "param 'region' has no default, so scheduled runs could not start: give it a default or drop the schedule",
    ]);
  });

  test('reading a param the DAG does not declare is an error that points at dag.conf', () => {
    expect(
      problemsOf(() =>
        defineDag({ dagId: 'typo', params: { limit: 10 } }, (dag) => {
          const t = dag.tasks<Acts>();
          t.useNumber(dag.params.get('limt'));
        }),
      ),
    ).toEqual(["task 'useNumber' reads dag.params.limt, but the DAG declares no param 'limt'; a conf key is dag.conf.limt"]);
  });
});

describe('dag.params and dag.conf as task arguments', () => {
  test('typed: a param fits a parameter of its type, conf keys fit any parameter', () => {
    const dag = defineDag({ dagId: 'typed', params: { limit: param({ type: 'integer', default: 10 }), title: 'Daily' } }, (d) => {
      const t = d.tasks<Acts>();
      t.useNumber(d.params.limit);
      t.useString(d.params.title);
      t.useAll(d.params);
      t.useConf(d.conf);
      t.useString(d.conf.get('message'));
      // @ts-expect-error a string param does not fit a number parameter
      t.useNumber.with({ taskId: 'wrong' })(d.params.title);
    });
    const [limit, title, all, conf, message] = dag.spec.tasks.map((t) => t.args[0] as RunValue);
    expect([limit, title, all, conf, message].map(String)).toEqual(['dag.params.limit', 'dag.params.title', 'dag.params', 'dag.conf', 'dag.conf.message']);
    expect(limit).toBeInstanceOf(RunValue);
  });

  test('conf and params are not promises and not XComArgs: no task becomes upstream', () => {
    const dag = defineDag({ dagId: 'no_edges', params: { limit: 1 } }, (d) => {
      const t = d.tasks<Acts>();
      t.useNumber(d.params.limit);
      expect((d.params as unknown as { then?: unknown }).then).toBeUndefined();
    });
    expect(dag.spec.tasks[0]!.upstream).toEqual([]);
  });
});
