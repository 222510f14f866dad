// A task's or run's status as a coloured indicator; an error opens its reason. A task in
// ERROR only because a few objects failed (the rest copied) reads "Done, N failed", its
// reason and a link to the failed objects one click away.
import Box from '@cloudscape-design/components/box';
import Link from '@cloudscape-design/components/link';
import Popover from '@cloudscape-design/components/popover';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { Run } from '../api/types';
import { useT } from '../i18n';
import { en, type MessageKey } from '../i18n/en';
import { follow } from '../router';
import { failedObjects } from './runView';

const kinds: Record<string, StatusIndicatorProps.Type> = {
  STARTING: 'pending',
  IN_PROGRESS: 'in-progress',
  RUNNING: 'in-progress',
  DONE: 'success',
  SUCCEEDED: 'success',
  ERROR: 'error',
  FAILED: 'error',
  STOPPING: 'loading',
  STOPPED: 'stopped',
  CANCELLED: 'stopped',
  DELETED: 'stopped',
};

export function TaskStatusView({
  status,
  error,
  lastRun,
  taskId,
}: {
  status: string;
  error?: string | null;
  lastRun?: Run | null;
  taskId?: string;  // with lastRun: the link to the task's failed objects
}) {
  const t = useT();
  const failed = failedObjects(status, lastRun);
  const key = `status.${status}` as MessageKey;
  // A status this console does not know yet reads as the server names it.
  const label = failed > 0 ? t('status.doneWithFailures', { n: failed }) : key in en ? t(key) : status;
  const indicator = <StatusIndicator type={failed > 0 ? 'warning' : (kinds[status] ?? 'info')}>{label}</StatusIndicator>;
  if (!error) return indicator;
  const content =
    failed > 0 && taskId ? (
      <SpaceBetween size="xs">
        <Box variant="p">{error}</Box>
        <Link href={`/tasks/${encodeURIComponent(taskId)}?tab=objects&status=failed`} onFollow={follow}>
          {t('status.showFailed')}
        </Link>
      </SpaceBetween>
    ) : (
      error
    );
  return (
    <Popover header={failed > 0 ? t('detail.failed') : t('detail.error')} content={content} dismissAriaLabel={t('common.close')} triggerType="text" size="large">
      {indicator}
    </Popover>
  );
}
