// The JSON of dth's REST API (src/control/api/api_json.cc).
export type TaskStatus = 'STARTING' | 'IN_PROGRESS' | 'DONE' | 'ERROR' | 'STOPPING' | 'STOPPED';

export interface Progress {
  run_id: number;
  phase: string;
  objects_planned: number;
  bytes_planned: number;
  objects_done: number;
  bytes_done: number;
  objects_failed: number;
  objects_deleted: number;
  retried_jobs: number;
  planning_done: boolean;
  bytes_per_second: number;
  eta_seconds: number | null;
  started_at: string | null;
}

// The server-sent events (openapi.json: x-dth-events), one shape per type.
// `progress`: the run's Progress and its task's id.
export interface ProgressEvent extends Progress {
  task_id: string;
}

// `status`: the same object on connecting and on every change; DELETED when deleted.
export interface StatusEvent {
  task_id: string;
  status: TaskStatus | 'DELETED';
  error: string | null;
  current_run_id: number | null;
  revision: number;
  updated_at: string | null;
}

export interface Task {
  id: string;
  type: 's3' | 'image';
  description: string;
  schedule: string;
  parameters: Record<string, unknown>;
  status: TaskStatus;
  error: string | null;
  current_run_id: number | null;
  next_run_at: string | null;
  created_at: string | null;
  updated_at: string | null;
  revision: number;
  progress: Progress | null;
  last_run?: Run | null;  // GET /api/v1/tasks and GET /api/v1/tasks/{id}: the newest run
  warnings?: string[];
}

export interface Run {
  id: number;
  task_id: string;
  trigger: string;
  status: string;
  error: string | null;
  objects_planned: number;
  bytes_planned: number;
  objects_done: number;
  bytes_done: number;
  objects_skipped: number;
  objects_failed: number;
  objects_deleted: number;
  started_at: string | null;
  finished_at: string | null;
}

export type ObjectStatus = 'pending' | 'copying' | 'done' | 'failed' | 'skipped';

export interface ObjectRecord {
  key: string;
  size: number;
  status: ObjectStatus;
  attempts: number;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface ImageRecord {
  source: string;
  destination: string;
  source_digest: string;
  destination_digest: string;
  status: string;
  error: string | null;
  attempts: number;
  bytes_copied: number;
  finished_at: string | null;
}

// A log entry, as GET .../logs answers it and as a `log` event carries it.
export interface LogLine {
  id: number;
  task_id: string;
  run_id: number | null;
  time: string | null;
  level: string;
  message: string;
}

export interface MetricPoint {
  time: string;
  bytes: number;
  objects_done: number;
  objects_failed: number;
  jobs_waiting: number;
  jobs_running: number;
  workers_busy: number;
  retries_throttled: number;
  retries_server: number;
  retries_network: number;
}

// GET /tasks/{id}/metrics: one point per step from `from`, quiet steps left out.
export interface MetricsAnswer {
  from: string;
  to: string;
  step_seconds: number;
  points: MetricPoint[];
}

export interface Credential {
  name: string;
  kind: 's3' | 'registry';
  description: string;
  created_at: string | null;
}

// POST /api/v1/connections/test: one side's answer.
export interface ConnectionSide {
  ok: boolean;
  error: string | null;
  sample: string[];
  elapsed_ms: number;
}

export interface ConnectionTest {
  source: ConnectionSide;
  destination: ConnectionSide;
}
