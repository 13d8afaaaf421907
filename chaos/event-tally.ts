import type { WorkerEvent } from './events';
import type { KillPoint } from './plan';

/** What the workers of one run reported: how much chaos there was, and what tasks saw wrong in their inputs. */
export class EventTally {
  /** Attempts started (every worker process of the run). */
  attempts = 0;
  readonly selfKills = new Map<KillPoint, number>();
  /** Zombies that outlived their timeout and went on to commit; `zombiesGaveUp` of them stopped waiting first. */
  zombies = 0;
  zombiesGaveUp = 0;
  readonly badInputs: string[] = [];
  /** Attempts that failed (not killed): `instance attempt n: message`. */
  readonly failures: string[] = [];

  record(event: WorkerEvent): void {
    switch (event.e) {
      case 'start':
        this.attempts++;
        break;
      case 'kill':
        this.selfKills.set(event.point, (this.selfKills.get(event.point) ?? 0) + 1);
        break;
      case 'zombie':
        this.zombies++;
        if (!event.waited) this.zombiesGaveUp++;
        break;
      case 'end':
        if (event.error !== undefined) this.failures.push(`${event.instance} attempt ${event.attempt}: ${event.error}`);
        break;
      case 'bad-input':
        this.badInputs.push(`${event.instance} attempt ${event.attempt}: ${event.detail}`);
        break;
      default:
        break;
    }
  }

  get selfKillCount(): number {
    return [...this.selfKills.values()].reduce((a, b) => a + b, 0);
  }
}
