// The hub's server-sent events (openapi.json, x-dth-events): `status` (StatusEvent),
// `progress` (ProgressEvent) and `log` (LogLine), one shape each. Events of another
// shape are skipped, so a page never shows half an object.
import { openEvents } from './client';
import type { LogLine, ProgressEvent, StatusEvent, Task } from './types';

type Fields = Record<string, unknown>;

function fields(d: unknown): Fields | null {
  return d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as Fields) : null;
}

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isTime = (v: unknown) => v === null || typeof v === 'string';

export function asStatusEvent(d: unknown): StatusEvent | null {
  const f = fields(d);
  if (!f || typeof f.task_id !== 'string' || typeof f.status !== 'string' || !isNumber(f.revision)) return null;
  if (!(f.error === null || typeof f.error === 'string') || !(f.current_run_id === null || isNumber(f.current_run_id))) return null;
  return isTime(f.updated_at) ? (f as unknown as StatusEvent) : null;
}

export function asProgressEvent(d: unknown): ProgressEvent | null {
  const f = fields(d);
  if (!f || typeof f.task_id !== 'string' || !isNumber(f.run_id) || typeof f.phase !== 'string') return null;
  for (const k of ['objects_planned', 'bytes_planned', 'objects_done', 'bytes_done', 'objects_failed', 'bytes_per_second'])
    if (!isNumber(f[k])) return null;
  if (!(f.eta_seconds === null || isNumber(f.eta_seconds))) return null;
  return isTime(f.started_at) ? (f as unknown as ProgressEvent) : null;
}

export function asLogEvent(d: unknown): LogLine | null {
  const f = fields(d);
  if (!f || !isNumber(f.id) || typeof f.task_id !== 'string' || typeof f.message !== 'string') return null;
  if (typeof f.level !== 'string' || !isTime(f.time)) return null;
  return f as unknown as LogLine;
}

// A status event applied to the task shown: revisions order what the stream and the
// answers to the page's own calls say (an older event changes nothing); DELETED leaves
// the task as it was (the page reloads and finds it gone).
export function applyStatus<T extends Pick<Task, 'id' | 'status' | 'error' | 'current_run_id' | 'revision'>>(
  task: T,
  e: StatusEvent,
): T {
  if (task.id !== e.task_id || e.status === 'DELETED' || e.revision < task.revision) return task;
  return { ...task, status: e.status, error: e.error, current_run_id: e.current_run_id, revision: e.revision };
}

export interface TaskEventHandlers {
  status?: (e: StatusEvent) => void;
  progress?: (e: ProgressEvent) => void;
  log?: (e: LogLine) => void;
}

// openEvents with each type's payload checked; returns the function that closes it.
export function openTaskEvents(path: string, handlers: TaskEventHandlers, onState?: (open: boolean) => void): () => void {
  const raw: Record<string, (d: unknown) => void> = {};
  const { status, progress, log } = handlers;
  if (status) raw.status = (d) => { const e = asStatusEvent(d); if (e) status(e); };
  if (progress) raw.progress = (d) => { const e = asProgressEvent(d); if (e) progress(e); };
  if (log) raw.log = (d) => { const e = asLogEvent(d); if (e) log(e); };
  return openEvents(path, raw, onState);
}

// Status events that arrive while a page's own GET is on its way. The stream says what is
// going on from the moment it opens, so its first event may be newer than the answer
// (a run that ended between the two): applied to the answer, no event is lost, and the
// revisions still decide (an event older than the answer changes nothing). Only the
// newest event of each task is kept, and only while `watching` is on: a list page hears
// every task of the hub.
export class PendingStatus {
  private readonly byTask = new Map<string, StatusEvent>();
  watching = false;

  note(e: StatusEvent): void {
    if (!this.watching) return;
    const kept = this.byTask.get(e.task_id);
    if (!kept || e.revision >= kept.revision) this.byTask.set(e.task_id, e);
  }

  // The answer with the newer status events applied; forgets them and stops watching.
  applyTo<T extends Pick<Task, 'id' | 'status' | 'error' | 'current_run_id' | 'revision'>>(answer: T[]): T[] {
    const out = answer.map((x) => {
      const e = this.byTask.get(x.id);
      return e ? applyStatus(x, e) : x;
    });
    this.forget();
    return out;
  }

  forget(): void {
    this.byTask.clear();
    this.watching = false;
  }
}
