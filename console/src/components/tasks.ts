// What the task list and detail show of a task's parameters.
import type { Task } from '../api/types';

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

export function sourceText(task: Task): string {
  const p = task.parameters;
  if (task.type === 'image') return str(p.srcRegistry) || (p.srcAccountId ? `${str(p.srcAccountId)} (${str(p.srcRegion)})` : 'Docker Hub');
  if (p.source) return str(p.source);
  const prefix = str(p.srcPrefix);
  return `${str(p.srcBucket)}${prefix ? `/${prefix}` : ''}`;
}

export function destinationText(task: Task): string {
  const p = task.parameters;
  if (task.type === 'image') return str(p.destRegistry) || `${str(p.destAccountId)} (${str(p.destRegion)})`;
  if (p.destination) return str(p.destination);
  const prefix = str(p.destPrefix);
  return `${str(p.destBucket)}${prefix ? `/${prefix}` : ''}`;
}

export const ACTIVE: ReadonlyArray<string> = ['STARTING', 'IN_PROGRESS', 'STOPPING'];

// What a task's runs count, as the labels say it: images for an image task, else objects.
export function countLabels(images: boolean) {
  return images
    ? ({ progress: 'tasks.images', done: 'detail.imagesDone', failed: 'detail.failedImages' } as const)
    : ({ progress: 'tasks.objects', done: 'detail.objectsDone', failed: 'detail.failed' } as const);
}
