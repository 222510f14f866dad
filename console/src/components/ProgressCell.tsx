// A run's progress as a bar with its numbers (objects, bytes).
import ProgressBar from '@cloudscape-design/components/progress-bar';
import type { Progress } from '../api/types';
import { useT } from '../i18n';
import { bytes, percent } from '../format';

export function ProgressCell({ progress, label }: { progress: Progress | null; label: string }) {
  const t = useT();
  if (!progress) return <>{t('common.none')}</>;
  const byBytes = progress.bytes_planned > 0;
  const value = byBytes
    ? percent(progress.bytes_done, progress.bytes_planned)
    : percent(progress.objects_done, progress.objects_planned);
  return (
    <ProgressBar
      value={value}
      ariaLabel={label}
      additionalInfo={`${t('tasks.objects', { done: progress.objects_done, planned: progress.objects_planned })} · ${bytes(progress.bytes_done)}`}
    />
  );
}
