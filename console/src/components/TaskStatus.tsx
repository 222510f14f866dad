// A task's or run's status as a coloured indicator; an error opens its reason.
import Popover from '@cloudscape-design/components/popover';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import { useT } from '../i18n';
import type { MessageKey } from '../i18n/en';

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

export function TaskStatusView({ status, error }: { status: string; error?: string | null }) {
  const t = useT();
  const key = `status.${status}` as MessageKey;
  const label = t(key) === key ? status : t(key);
  const indicator = <StatusIndicator type={kinds[status] ?? 'info'}>{label}</StatusIndicator>;
  if (!error) return indicator;
  return (
    <Popover header={t('detail.error')} content={error} dismissAriaLabel={t('common.close')} triggerType="text" size="large">
      {indicator}
    </Popover>
  );
}
