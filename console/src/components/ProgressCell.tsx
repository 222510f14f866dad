// A task's progress as a bar with its numbers (objects, or images for an image task; bytes):
// the live progress of the run going on, else the totals of its last run (a finished task is
// not a "-").
import ProgressBar from '@cloudscape-design/components/progress-bar';
import type { Progress, Run } from '../api/types';
import { useT } from '../i18n';
import { bytes } from '../format';
import { progressFigures } from './runView';
import { countLabels } from './tasks';

export function ProgressCell({ progress, lastRun, label, images = false }: { progress: Progress | null; lastRun?: Run | null; label: string; images?: boolean }) {
  const t = useT();
  const f = progressFigures(progress, lastRun);
  if (!f) return <>{t('common.none')}</>;
  const parts = [t(countLabels(images).progress, { done: f.objectsDone, planned: f.objectsPlanned }), bytes(f.bytesDone)];
  if (f.skipped > 0) parts.push(t('tasks.skippedCount', { n: f.skipped }));
  if (f.failed > 0) parts.push(t('tasks.failedCount', { n: f.failed }));
  return <ProgressBar value={f.value} ariaLabel={label} additionalInfo={parts.join(' · ')} />;
}
