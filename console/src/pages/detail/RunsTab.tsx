// A task's runs, newest first (the API pages by run id).
import { useEffect, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import { api } from '../../api/client';
import type { Run } from '../../api/types';
import { useLang } from '../../i18n';
import { bytes, time } from '../../format';
import { TaskStatusView } from '../../components/TaskStatus';
import { countLabels } from '../../components/tasks';

// `images`: an image task's runs, which count images.
export function RunsTab({ taskId, changes, images = false }: { taskId: string; changes: number; images?: boolean }) {
  const { t, lang } = useLang();
  const [runs, setRuns] = useState<Run[]>([]);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let stale = false;
    api<{ runs: Run[] }>('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}/runs?limit=50`).then(
      (a) => {
        if (stale) return;  // an older answer must not overwrite a newer one
        setRuns(a.runs);
        setLoading(false);
      },
      () => setLoading(false),
    );
    return () => {
      stale = true;
    };
  }, [taskId, changes]);
  return (
    <Table
      items={runs}
      loading={loading}
      loadingText={t('common.loading')}
      trackBy="id"
      header={<Header counter={`(${runs.length})`}>{t('detail.runs')}</Header>}
      empty={<Box textAlign="center">{t('detail.noRun')}</Box>}
      ariaLabels={{ tableLabel: t('detail.runs') }}
      columnDefinitions={[
        { id: 'id', header: t('detail.runId'), cell: (r) => r.id, isRowHeader: true },
        { id: 'trigger', header: t('detail.trigger'), cell: (r) => r.trigger },
        { id: 'status', header: t('common.status'), cell: (r) => <TaskStatusView status={r.status} error={r.error} lastRun={r} /> },
        { id: 'objects', header: t(countLabels(images).done), cell: (r) => `${r.objects_done} / ${r.objects_planned}` },
        { id: 'bytes', header: t('detail.bytesDone'), cell: (r) => bytes(r.bytes_done) },
        { id: 'skipped', header: t('detail.skipped'), cell: (r) => r.objects_skipped },
        { id: 'failed', header: t(countLabels(images).failed), cell: (r) => r.objects_failed },
        { id: 'started', header: t('detail.started'), cell: (r) => time(r.started_at, lang) },
        { id: 'finished', header: t('detail.finished'), cell: (r) => time(r.finished_at, lang) },
      ]}
    />
  );
}
