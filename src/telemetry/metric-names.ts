/**
 * The metrics temporal-xcom reports through `@opentelemetry/api` (meter `temporal-xcom`). Listed in the README;
 * durations in seconds, sizes in bytes, as OpenTelemetry's conventions ask.
 */
export const METRICS = {
  /** Histogram: one attempt's (or one keyed write's) commit, uploads included. Attribute `xcom.commit.kind`. */
  commitDuration: 'xcom.commit.duration',
  /** Counter: entries written by commits. Attribute `xcom.location` (`inline` | `object_store`). */
  commitEntries: 'xcom.commit.entries',
  /** Counter: serialized bytes written by commits. Attribute `xcom.location`. */
  commitBytes: 'xcom.commit.bytes',
  /** Counter: writes a newer attempt had already replaced (ledger `fenced`). */
  fencedWrites: 'xcom.writes.fenced',
  /** Counter: keys of a previous owner a winning attempt did not write, removed (ledger `superseded`). */
  supersededWrites: 'xcom.writes.superseded',
  /** Counter: values moved to the object store (uploads). */
  offloads: 'xcom.offloads',
  /** Histogram: a read of entries (get, a filtered read, a mapped range), downloads included. */
  pullDuration: 'xcom.pull.duration',
  /** Counter: reads by result. Attribute `xcom.pull.result` (`hit` | `miss`). */
  pulls: 'xcom.pulls',
  /** Counter: refs in activity arguments resolved to their values. */
  refResolutions: 'xcom.ref.resolutions',
  /** Histogram: time from an outbox row's creation to its delivery as a signal (cross-DAG waits). */
  outboxLag: 'xcom.outbox.lag',
  /** Counter: outbox rows delivered. */
  outboxDeliveries: 'xcom.outbox.deliveries',
  /** Counter: objects the sweeper deleted. Attribute `xcom.sweep.reason`. */
  sweptObjects: 'xcom.sweeper.deleted',
  /** Counter: entries removed by retention (purge, keep-latest, clears). Attribute `xcom.retention.operation`. */
  retentionDeleted: 'xcom.retention.deleted',
} as const;

/** Span names: each nests under the active span (an activity's span from Temporal's OpenTelemetry interceptors). */
export const SPANS = {
  commit: 'xcom.commit',
  pull: 'xcom.pull',
  upload: 'xcom.upload',
  download: 'xcom.download',
} as const;
