// What a task's progress, throughput and status show, from its live progress (a run going
// on) or else its newest run's totals: pure functions, so the components stay thin and the
// rules have unit tests (runView.test.ts).
import type { Progress, Run, Task } from '../api/types';
import { percent } from '../format';

export interface Figures {
  value: number;           // 0..100
  objectsDone: number;
  objectsPlanned: number;
  bytesDone: number;
  failed: number;
  skipped: number;         // found up to date at the destination (the last run's; 0 live)
  live: boolean;           // from a run going on (else the last run's totals)
}

const ACTIVE_RUN = 'RUNNING';

// The live progress when there is one, else the last run's totals; null before any run.
// The bar follows bytes when the run planned any, else objects; a finished run that had
// nothing to copy (every object up to date) is full.
export function progressFigures(progress: Progress | null | undefined, lastRun: Run | null | undefined): Figures | null {
  if (progress) {
    const byBytes = progress.bytes_planned > 0;
    return {
      value: byBytes ? percent(progress.bytes_done, progress.bytes_planned) : percent(progress.objects_done, progress.objects_planned),
      objectsDone: progress.objects_done,
      objectsPlanned: progress.objects_planned,
      bytesDone: progress.bytes_done,
      failed: progress.objects_failed,
      skipped: 0,
      live: true,
    };
  }
  if (!lastRun) return null;
  const byBytes = lastRun.bytes_planned > 0;
  let value = byBytes ? percent(lastRun.bytes_done, lastRun.bytes_planned) : percent(lastRun.objects_done, lastRun.objects_planned);
  if (lastRun.objects_planned === 0 && lastRun.bytes_planned === 0 && lastRun.status === 'DONE') value = 100;
  return {
    value,
    objectsDone: lastRun.objects_done,
    objectsPlanned: lastRun.objects_planned,
    bytesDone: lastRun.bytes_done,
    failed: lastRun.objects_failed,
    skipped: lastRun.objects_skipped,
    live: false,
  };
}

// Bytes per second: the live rate while a run goes on, else the last finished run's average
// (bytes copied over its wall time); null when there is nothing to say (nor for a run that
// copied nothing: every object was up to date).
export function throughput(progress: Progress | null | undefined, lastRun: Run | null | undefined, active: boolean): number | null {
  if (progress && active) return progress.bytes_per_second;
  if (!lastRun || lastRun.status === ACTIVE_RUN || !lastRun.started_at || !lastRun.finished_at) return null;
  if (lastRun.bytes_done <= 0) return null;
  const seconds = (Date.parse(lastRun.finished_at) - Date.parse(lastRun.started_at)) / 1000;
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  return lastRun.bytes_done / seconds;
}

// A task in ERROR only because some objects (or images) failed while the rest were copied:
// how many failed; 0 when the task failed as a whole (its run stopped before copying: the
// totals are zero) or is not in ERROR.
export function failedObjects(status: Task['status'] | string, lastRun: Run | null | undefined): number {
  if (status !== 'ERROR' || !lastRun || lastRun.status !== 'ERROR') return 0;
  return lastRun.objects_failed > 0 ? lastRun.objects_failed : 0;
}
