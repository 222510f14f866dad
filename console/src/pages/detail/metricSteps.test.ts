import { describe, expect, it } from 'vitest';
import { everyStep } from './metricSteps';

const sample = (time: string, bytes: number) => ({
  time, bytes, objects_done: 1, objects_failed: 0, jobs_waiting: 0, jobs_running: 1, workers_busy: 2,
  retries_throttled: 0, retries_server: 0, retries_network: 0,
});

describe('everyStep', () => {
  it('draws every step of the range, those without a sample at zero', () => {
    const steps = everyStep({
      from: '2026-12-03T13:00:00.000Z', to: '2026-12-03T13:05:00.000Z', step_seconds: 60,
      points: [sample('2026-12-03T13:01:00.000Z', 100), sample('2026-12-03T13:04:00.000Z', 50)],
    });
    expect(steps.map((s) => s.time.toISOString().slice(11, 16))).toEqual(['13:00', '13:01', '13:02', '13:03', '13:04']);
    expect(steps.map((s) => s.point.bytes)).toEqual([0, 100, 0, 0, 50]);
    expect(steps[2].point.workers_busy).toBe(0);
    expect(steps[4].point.workers_busy).toBe(2);
  });

  it('takes an answer it cannot lay out as it came', () => {
    const points = [sample('2026-12-03T13:01:00.000Z', 100)];
    expect(everyStep({ from: 'soon', to: '2026-12-03T13:05:00.000Z', step_seconds: 60, points })).toHaveLength(1);
    expect(everyStep({ from: '2026-12-03T13:00:00.000Z', to: '2026-12-03T13:05:00.000Z', step_seconds: 0, points })).toHaveLength(1);
    expect(everyStep({ from: '2000-01-01T00:00:00.000Z', to: '2026-12-03T13:05:00.000Z', step_seconds: 60, points })).toHaveLength(1);
  });
});
