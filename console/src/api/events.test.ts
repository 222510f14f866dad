import { describe, expect, it } from 'vitest';
import { applyStatus, asLogEvent, asProgressEvent, asStatusEvent, PendingStatus } from './events';
import type { Task } from './types';

// Payloads as the hub sends them (openapi.json: StatusEvent, ProgressEvent, LogEntry).
const status = { task_id: 't-1', status: 'DONE', error: null, current_run_id: null, revision: 4, updated_at: '2026-12-02T10:00:00.000Z' };
const progress = {
  task_id: 't-1', run_id: 2, phase: 'copying', objects_planned: 10, bytes_planned: 100, objects_done: 5, bytes_done: 50,
  objects_failed: 0, objects_deleted: 0, retried_jobs: 0, planning_done: true, bytes_per_second: 12.5, eta_seconds: null,
  started_at: '2026-12-02T09:59:00.000Z',
};
const log = { id: 7, task_id: 't-1', run_id: 2, time: '2026-12-02T10:00:00.123Z', level: 'info', message: 'run 2 ended' };

const task = { id: 't-1', status: 'IN_PROGRESS', error: null, current_run_id: 2, revision: 3 } as Pick<Task, 'id' | 'status' | 'error' | 'current_run_id' | 'revision'>;

describe('server-sent events', () => {
  it('takes each type in its one shape', () => {
    expect(asStatusEvent(status)).toEqual(status);
    expect(asProgressEvent(progress)).toEqual(progress);
    expect(asProgressEvent({ ...progress, eta_seconds: 30 })?.eta_seconds).toBe(30);
    expect(asLogEvent(log)).toEqual(log);
  });

  it('skips the shapes the hub no longer sends', () => {
    // The whole task as the first status event, a status keyed by id, a Unix-ms log time.
    expect(asStatusEvent({ id: 't-1', status: 'DONE', revision: 4 })).toBeNull();
    expect(asStatusEvent({ ...status, revision: undefined })).toBeNull();
    expect(asLogEvent({ ...log, time: 1764669600123 })).toBeNull();
    expect(asProgressEvent({ ...progress, task_id: undefined })).toBeNull();
    expect(asProgressEvent({ ...progress, eta_seconds: '-1' })).toBeNull();
    expect(asStatusEvent(null)).toBeNull();
    expect(asLogEvent([log])).toBeNull();
  });

  it('applies a status event of the task, newer revisions only', () => {
    const done = asStatusEvent(status)!;
    expect(applyStatus(task, done)).toEqual({ ...task, status: 'DONE', current_run_id: null, revision: 4 });
    expect(applyStatus({ ...task, revision: 5 }, done).status).toBe('IN_PROGRESS');
    expect(applyStatus({ ...task, id: 't-2' }, done)).toEqual({ ...task, id: 't-2' });
    expect(applyStatus(task, { ...done, status: 'DELETED' })).toBe(task);
    const failed = { ...done, status: 'ERROR' as const, error: 'access denied' };
    expect(applyStatus(task, failed).error).toBe('access denied');
  });

  it("keeps the status events heard while the page's GET is answered, and applies the newer ones to the answer", () => {
    const done = asStatusEvent(status)!;
    const pending = new PendingStatus();
    pending.note(done);  // not watching: the answer of a GET sent later is newer
    expect(pending.applyTo([task])[0].status).toBe('IN_PROGRESS');

    // The run ended after the hub answered the GET, before the answer arrived.
    pending.watching = true;
    pending.note({ ...done, status: 'STOPPING', revision: 4 });
    pending.note({ ...done, revision: 5 });
    pending.note({ ...done, status: 'STOPPING', revision: 4 });  // an older one, late
    pending.note({ ...done, task_id: 't-9', revision: 9 });
    const [shown] = pending.applyTo([task]);
    expect(shown).toEqual({ ...task, status: 'DONE', current_run_id: null, revision: 5 });
    expect(pending.watching).toBe(false);
    expect(pending.applyTo([task])[0]).toBe(task);  // forgotten once applied

    // An event older than the answer changes nothing.
    pending.watching = true;
    pending.note({ ...done, revision: 2 });
    expect(pending.applyTo([task])[0]).toBe(task);
  });
});
