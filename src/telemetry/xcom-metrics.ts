import { metrics, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { METRICS } from './metric-names';

interface Instruments {
  readonly commitDuration: Histogram;
  readonly commitEntries: Counter;
  readonly commitBytes: Counter;
  readonly fencedWrites: Counter;
  readonly supersededWrites: Counter;
  readonly offloads: Counter;
  readonly pullDuration: Histogram;
  readonly pulls: Counter;
  readonly refResolutions: Counter;
  readonly outboxLag: Histogram;
  readonly outboxDeliveries: Counter;
  readonly sweptObjects: Counter;
  readonly retentionDeleted: Counter;
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/**
 * The instruments on the global meter provider. The metrics API has no proxy: a provider registered after the
 * first call (a common order in applications) gets new instruments here instead of a no-op forever.
 */
export function xcomMetrics(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider === provider) return cached.instruments;
  const meter = provider.getMeter('temporal-xcom');
  const seconds = (name: string, description: string): Histogram => meter.createHistogram(name, { unit: 's', description });
  const count = (name: string, description: string, unit = '{entry}'): Counter => meter.createCounter(name, { unit, description });
  const instruments: Instruments = {
    commitDuration: seconds(METRICS.commitDuration, 'Duration of XCom commits, uploads included'),
    commitEntries: count(METRICS.commitEntries, 'XCom entries written'),
    commitBytes: count(METRICS.commitBytes, 'Serialized bytes of XCom entries written', 'By'),
    fencedWrites: count(METRICS.fencedWrites, 'XCom writes a newer attempt had already replaced'),
    supersededWrites: count(METRICS.supersededWrites, "Keys of a previous owner removed by a winning attempt's commit"),
    offloads: count(METRICS.offloads, 'XCom values uploaded to the object store', '{object}'),
    pullDuration: seconds(METRICS.pullDuration, 'Duration of XCom reads, downloads included'),
    pulls: count(METRICS.pulls, 'XCom reads by result', '{read}'),
    refResolutions: count(METRICS.refResolutions, 'XCom refs resolved in activity arguments', '{ref}'),
    outboxLag: seconds(METRICS.outboxLag, 'Time from an outbox row to its delivery'),
    outboxDeliveries: count(METRICS.outboxDeliveries, 'Cross-DAG outbox rows delivered', '{signal}'),
    sweptObjects: count(METRICS.sweptObjects, 'Objects deleted by the object sweeper', '{object}'),
    retentionDeleted: count(METRICS.retentionDeleted, 'XCom entries removed by retention'),
  };
  cached = { provider, instruments };
  return instruments;
}

/** Seconds since `startedMs` (from performance.now()). */
export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
