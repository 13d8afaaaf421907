import { readFileSync, writeFileSync } from 'node:fs';

/** What a bench child process needs to measure memory: a full GC, and the kernel's peak RSS it can reset. */

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
}

/** Resets the kernel's RSS high-water mark to the current RSS (Linux 4.0+); false where that is not possible. */
export function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return vmHwm() !== undefined;
  } catch {
    return false;
  }
}

/** VmHWM, the peak RSS of this process image, or getrusage's maxrss where /proc is missing. */
export function peakRss(): number {
  return vmHwm() ?? process.resourceUsage().maxRSS * 1024;
}

function vmHwm(): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** An environment variable the spawning bench sets (`runBenchChild`). */
export function childEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is unset: bench child scripts are spawned by their bench (runBenchChild)`);
  return value;
}
