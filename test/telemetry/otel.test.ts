import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { METRICS, SPANS } from '../../src/telemetry/metric-names';
import { openPluginContext, type PluginContext } from '../helpers/plugin-context';

// One DAG run on the real services with the OpenTelemetry SDK installed the way an application would (global
// providers, an async-hooks context manager): the plugin's metrics and spans, read back through the SDK.
class TestReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const reader = new TestReader();
const spans = new InMemorySpanExporter();
let ctx: PluginContext;
beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  ctx = await openPluginContext();
});
afterAll(async () => {
  await ctx.release();
  metrics.disable();
  trace.disable();
  context.disable();
});

type Point = DataPoint<number | Histogram>;
async function points(): Promise<Map<string, Point[]>> {
  const { resourceMetrics } = await reader.collect();
  const byName = new Map<string, Point[]>();
  for (const scope of resourceMetrics.scopeMetrics.filter((s) => s.scope.name === 'temporal-xcom')) {
    for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric.dataPoints as Point[]);
  }
  return byName;
}
const sum = (all: Map<string, Point[]>, name: string, attributes: Record<string, string> = {}): number =>
  (all.get(name) ?? [])
    .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    .reduce((total, p) => total + (typeof p.value === 'number' ? p.value : p.value.count), 0);

describe('OpenTelemetry: the metrics and spans of one DAG run', () => {
  test('a 1 MB result offloaded, resolved by the next task, and that task committed inline', async () => {
    const { result } = await ctx.run<{ sawRef: boolean; checked: { intact: boolean } }>('largeResultWorkflow', [1]);
    expect(result).toMatchObject({ sawRef: true, checked: { intact: true } });

    const all = await points();
    expect(sum(all, METRICS.commitEntries, { 'xcom.location': 'object_store' })).toBe(1);
    expect(sum(all, METRICS.commitEntries, { 'xcom.location': 'inline' })).toBe(1);
    expect(sum(all, METRICS.commitBytes, { 'xcom.location': 'object_store' })).toBeGreaterThan(1024 * 1024);
    expect(sum(all, METRICS.commitDuration, { 'xcom.commit.kind': 'attempt' })).toBe(2);
    expect(sum(all, METRICS.offloads)).toBe(1);
    expect(sum(all, METRICS.refResolutions)).toBe(1);
    expect(sum(all, METRICS.pulls, { 'xcom.pull.result': 'hit' })).toBeGreaterThanOrEqual(1);
    expect(sum(all, METRICS.pullDuration)).toBe(sum(all, METRICS.pulls));
    expect(sum(all, METRICS.fencedWrites)).toBe(0);

    const finished = spans.getFinishedSpans();
    const named = (name: string) => finished.filter((s) => s.name === name);
    expect(named(SPANS.commit).map((s) => s.attributes['xcom.task_id']).sort()).toEqual(['big', 'check']);
    expect(named(SPANS.upload)).toHaveLength(1);
    const [download] = named(SPANS.download);
    expect(download).toBeDefined();
    // The download nests under the read that needed it, and the upload under its commit.
    const parentOf = (span: (typeof finished)[number]) => finished.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
    expect(parentOf(download!)?.name).toBe(SPANS.pull);
    expect(parentOf(named(SPANS.upload)[0]!)?.name).toBe(SPANS.commit);
  });

  test('store calls nest under the span that is active, as they do under an activity span of Temporal’s interceptors', async () => {
    spans.reset();
    const store = await ctx.store();
    await trace.getTracer('app').startActiveSpan('my-activity', async (span) => {
      await store.get({ dagId: 'nope', runId: 'nope', taskId: 'nope', key: 'return_value' });
      span.end();
    });
    const finished = spans.getFinishedSpans();
    const parent = finished.find((s) => s.name === 'my-activity')!;
    const pull = finished.find((s) => s.name === SPANS.pull)!;
    expect(pull.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(sum(await points(), METRICS.pulls, { 'xcom.pull.result': 'miss' })).toBeGreaterThanOrEqual(1);
  });
});
