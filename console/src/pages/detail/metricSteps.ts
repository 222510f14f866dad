// The hub's metrics answer omits the steps in which nothing was sampled (no run, nothing
// copied). Drawn as they come, a line would join two runs an hour apart as if the copy had
// gone on in between, and a run of one minute would be a dot. Every step of the range is
// drawn instead, those without a sample at zero (no sample means no bytes, no objects, no
// job and no worker in that step).
import type { MetricPoint, MetricsAnswer } from '../../api/types';

const ZERO: Omit<MetricPoint, 'time'> = {
  bytes: 0, objects_done: 0, objects_failed: 0, jobs_waiting: 0, jobs_running: 0, workers_busy: 0,
  retries_throttled: 0, retries_server: 0, retries_network: 0,
};

// One point per step from `from` (steps count from it, as the hub's do) until `to`; at most
// 10,000 steps (an answer that would need more is drawn as it came).
export function everyStep(answer: MetricsAnswer): { time: Date; point: Omit<MetricPoint, 'time'> }[] {
  const from = Date.parse(answer.from);
  const to = Date.parse(answer.to);
  const step = answer.step_seconds * 1000;
  const asSent = () => answer.points.map((p) => ({ time: new Date(p.time), point: p }));
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(step > 0) || (to - from) / step > 10_000) return asSent();
  const byStep = new Map<number, MetricPoint>();
  for (const p of answer.points) {
    const at = Date.parse(p.time);
    if (Number.isFinite(at) && at >= from && at < to) byStep.set(Math.round((at - from) / step), p);
  }
  const out: { time: Date; point: Omit<MetricPoint, 'time'> }[] = [];
  for (let i = 0, at = from; at < to; i++, at = from + i * step) out.push({ time: new Date(at), point: byStep.get(i) ?? ZERO });
  return out;
}
