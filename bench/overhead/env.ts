import { ensureBucket } from '../../services/s3-bucket';
import { deleteS3Prefix } from '../lib/service-env';
import { openTemporalBenchEnv, type TemporalBenchEnv } from '../lib/temporal-bench-env';

/** The services the overhead bench runs against, plus a bucket of its own for Temporal's External Storage. */
export interface OverheadEnv extends TemporalBenchEnv {
  /** External Storage's keys have no prefix, so it gets a scratch bucket, removed at the end. */
  readonly externalStorageBucket: string;
}

export async function openOverheadEnv(): Promise<OverheadEnv> {
  const base = await openTemporalBenchEnv('overhead');
  try {
    const externalStorageBucket = `xcom-bench-es-${base.tag}`;
    await ensureBucket({ ...base.s3, bucket: externalStorageBucket });
    base.defer(() => deleteS3Prefix({ ...base.s3, bucket: externalStorageBucket }, '', { removeBucket: true }));
    return { ...base, summary: [...base.summary, `s3: scratch bucket ${externalStorageBucket}`], externalStorageBucket };
  } catch (err) {
    await base.close().catch(() => undefined);
    throw err;
  }
}
