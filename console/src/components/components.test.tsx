// The task list's and detail's building blocks, rendered to HTML without a browser
// (react-dom/server: Cloudscape renders on the server too): the progress cell (live
// progress, else the last run's totals), the status ("Done, N failed" for a task whose
// run copied all but a few objects), long names given places to wrap (Breakable), and the
// rules behind them (runView).
import { afterEach, describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactNode } from 'react';
import { LanguageRoot } from '../i18n';
import type { Progress, Run } from '../api/types';
import { ProgressCell } from './ProgressCell';
import { TaskStatusView } from './TaskStatus';
import { Breakable } from './Breakable';
import { failedObjects, progressFigures, throughput } from './runView';

const progress: Progress = {
  run_id: 7,
  phase: 'copying',
  objects_planned: 10,
  bytes_planned: 4000,
  objects_done: 5,
  bytes_done: 1000,
  objects_failed: 0,
  objects_deleted: 0,
  retried_jobs: 0,
  planning_done: true,
  bytes_per_second: 2048,
  eta_seconds: 3,
  started_at: '2026-12-02T10:00:00.000Z',
};

const run: Run = {
  id: 7,
  task_id: 't-000000000001',
  trigger: 'manual',
  status: 'ERROR',
  error: '1 object failed (bad/refused.txt: AccessDenied)',
  objects_planned: 31,
  bytes_planned: 31000,
  objects_done: 30,
  bytes_done: 30720,
  objects_skipped: 0,
  objects_failed: 1,
  objects_deleted: 0,
  started_at: '2026-12-02T10:00:00.000Z',
  finished_at: '2026-12-02T10:00:10.000Z',
};

// Rendered in a language (the console remembers it in localStorage).
function html(node: ReactNode, lang: 'en' | 'zh' = 'en'): string {
  (globalThis as { localStorage?: unknown }).localStorage = { getItem: () => lang, setItem: () => undefined };
  return renderToStaticMarkup(<LanguageRoot>{node}</LanguageRoot>);
}
const text = (markup: string) => markup.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('runView', () => {
  it('follows bytes while a run goes on, objects when it planned no bytes', () => {
    expect(progressFigures(progress, run)).toMatchObject({ value: 25, objectsDone: 5, objectsPlanned: 10, live: true });
    expect(progressFigures({ ...progress, bytes_planned: 0, bytes_done: 0 }, null)?.value).toBe(50);
  });

  it("shows the last run's totals when nothing runs, a full bar for a run that had nothing to copy", () => {
    expect(progressFigures(null, run)).toMatchObject({ value: 99, objectsDone: 30, objectsPlanned: 31, failed: 1, live: false });
    const noop = { ...run, status: 'DONE', objects_planned: 0, bytes_planned: 0, objects_done: 0, bytes_done: 0, objects_failed: 0 };
    expect(progressFigures(null, noop)?.value).toBe(100);
    expect(progressFigures(null, null)).toBeNull();
  });

  it("gives the live rate while running, else the last run's average", () => {
    expect(throughput(progress, run, true)).toBe(2048);
    expect(throughput(progress, run, false)).toBe(3072);  // 30,720 bytes in 10 s
    expect(throughput(null, { ...run, status: 'RUNNING', finished_at: null }, false)).toBeNull();
    expect(throughput(null, null, false)).toBeNull();
    expect(throughput(null, { ...run, status: 'DONE', bytes_done: 0 }, false)).toBeNull();  // nothing copied
  });

  it('counts failed objects only for a task in ERROR whose run copied the rest', () => {
    expect(failedObjects('ERROR', run)).toBe(1);
    expect(failedObjects('DONE', run)).toBe(0);
    // The run failed as a whole (a bucket it could not list): no totals, a plain error.
    expect(failedObjects('ERROR', { ...run, objects_done: 0, objects_planned: 0, objects_failed: 0 })).toBe(0);
    expect(failedObjects('ERROR', null)).toBe(0);
  });
});

describe('ProgressCell', () => {
  it('draws the live progress with its numbers', () => {
    const out = html(<ProgressCell progress={progress} lastRun={run} label="Progress t-1" />);
    expect(out).toMatch(/<progress[^>]*value="25"/);
    expect(out).toContain('aria-label="Progress t-1"');
    expect(text(out)).toContain('5 of 10 objects · 1000 B');
  });

  it("draws a finished task's last run, with its failures", () => {
    const out = html(<ProgressCell progress={null} lastRun={run} label="Progress" />);
    expect(out).toMatch(/<progress[^>]*value="99"/);
    expect(text(out)).toContain('30 of 31 objects · 30.0 KiB · 1 failed');
  });

  it('says how many were up to date when a run had nothing to copy', () => {
    const noop = { ...run, status: 'DONE', objects_planned: 0, bytes_planned: 0, objects_done: 0, bytes_done: 0, objects_failed: 0, objects_skipped: 30 };
    const out = html(<ProgressCell progress={null} lastRun={noop} label="Progress" />);
    expect(out).toMatch(/<progress[^>]*value="100"/);
    expect(text(out)).toContain('0 of 0 objects · 0 B · 30 up to date');
  });

  it("counts an image task's images", () => {
    expect(text(html(<ProgressCell progress={progress} label="Progress" images />))).toContain('5 of 10 images · 1000 B');
    expect(text(html(<ProgressCell progress={null} lastRun={run} label="进度" images />, 'zh'))).toContain('30 / 31 个镜像');
  });

  it('is a dash before the first run', () => {
    expect(text(html(<ProgressCell progress={null} lastRun={null} label="Progress" />)).trim()).toBe('-');
  });

  it('speaks Chinese', () => {
    expect(text(html(<ProgressCell progress={null} lastRun={run} label="进度" />, 'zh'))).toContain('1 个失败');
  });
});

describe('TaskStatusView', () => {
  it('names the status', () => {
    expect(text(html(<TaskStatusView status="DONE" />))).toContain('Done');
    expect(text(html(<TaskStatusView status="IN_PROGRESS" />))).toContain('In progress');
    expect(text(html(<TaskStatusView status="SOMETHING_NEW" />))).toContain('SOMETHING_NEW');
  });

  it('reads "Done, 1 failed" for one failed object among the copied ones, not "Error"', () => {
    const out = text(html(<TaskStatusView status="ERROR" error={run.error} lastRun={run} taskId="t-1" />));
    expect(out).toContain('Done, 1 failed');
    expect(out).not.toContain('Error');
    expect(text(html(<TaskStatusView status="ERROR" error={run.error} lastRun={run} taskId="t-1" />, 'zh'))).toContain('完成，1 个失败');
  });

  it('stays "Error" when the run failed as a whole', () => {
    const whole = { ...run, objects_planned: 0, objects_done: 0, objects_failed: 0, error: 'source: NoSuchBucket' };
    expect(text(html(<TaskStatusView status="ERROR" error={whole.error} lastRun={whole} />))).toContain('Error');
  });
});

describe('Breakable', () => {
  it('lets a name without spaces wrap between its parts, and keeps its text whole', () => {
    const html = renderToStaticMarkup(<Breakable text="http://127.0.0.1:8080/b_1/p?x=1&y=2" />);
    expect(html).toBe('http:<wbr/>/<wbr/>/<wbr/>127.<wbr/>0.<wbr/>0.<wbr/>1:<wbr/>8080/<wbr/>b_<wbr/>1/<wbr/>p?<wbr/>x=<wbr/>1&amp;<wbr/>y=<wbr/>2');
    expect(html.replaceAll('<wbr/>', '').replace('&amp;', '&')).toBe('http://127.0.0.1:8080/b_1/p?x=1&y=2');
    expect(renderToStaticMarkup(<Breakable text="bucket-name" />)).toBe('bucket-name');
    expect(renderToStaticMarkup(<Breakable text="" />)).toBe('');
  });
});
