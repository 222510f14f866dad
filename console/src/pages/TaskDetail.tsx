// One task: its live progress (server-sent events, no polling), runs, objects (with the
// error of each failed one and retry), images, logs (live tail), monitoring and options.
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Tabs from '@cloudscape-design/components/tabs';
import { api, ApiError } from '../api/client';
import { applyStatus, openTaskEvents, PendingStatus } from '../api/events';
import type { LogLine, Run, Task } from '../api/types';
import { useLang } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { bytes, duration, time } from '../format';
import { navigate, usePath } from '../router';
import { useFlash } from '../flash';
import { TaskStatusView } from '../components/TaskStatus';
import { ProgressCell } from '../components/ProgressCell';
import { ACTIVE, countLabels, destinationText, sourceText } from '../components/tasks';
import { Breakable } from '../components/Breakable';
import { failedObjects } from '../components/runView';
import { RunsTab } from './detail/RunsTab';
import { ObjectsTab } from './detail/ObjectsTab';
import { ImagesTab } from './detail/ImagesTab';
import { LogsTab } from './detail/LogsTab';

const MonitoringTab = lazy(() => import('./detail/MonitoringTab'));
type Action = 'start' | 'stop' | 'clone' | 'delete';

export default function TaskDetail({ id }: { id: string }) {
  const { t, lang } = useLang();
  const flash = useFlash();
  const [task, setTask] = useState<Task | null>(null);
  const [error, setError] = useState('');
  const [live, setLive] = useState(false);
  const [logLines, setLogLines] = useState<LogLine[]>([]);
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  // ?tab=objects&status=failed (the "Done, N failed" status's link) opens that tab filtered.
  const path = usePath();
  const query = new URLSearchParams(path.split('?')[1] ?? '');
  const [tab, setTab] = useState(query.get('tab') ?? 'overview');
  const [objectFilter, setObjectFilter] = useState(query.get('status') ?? '');
  const wantedTab = query.get('tab');
  const wantedStatus = query.get('status') ?? '';
  useEffect(() => {
    if (wantedTab) setTab(wantedTab);
    setObjectFilter(wantedStatus);
  }, [wantedTab, wantedStatus]);
  const [changes, setChanges] = useState(0);
  const [lastRun, setLastRun] = useState<Run | null>(null);
  const base = `/api/v1/tasks/${encodeURIComponent(id)}`;

  // An answer of ours may arrive after the events it caused: keep the newer revision.
  const setNewer = useCallback((answer: Task) => setTask((x) => (!x || answer.revision >= x.revision ? answer : { ...answer, status: x.status, error: x.error, revision: x.revision })), []);

  // The stream's first status event can be newer than the GET's answer and arrive first.
  const pending = useRef(new PendingStatus());
  const load = useCallback(async () => {
    pending.current.watching = true;
    try {
      const [answer] = pending.current.applyTo([await api<Task>('GET', base)]);
      setTask(answer);
    } catch (e) {
      setError(e instanceof ApiError ? e.detail : String(e));
    }
  }, [base]);
  useEffect(() => {
    void load();
  }, [load]);
  // The last run's totals, shown when no run is going on.
  useEffect(() => {
    let stale = false;  // an older answer must not overwrite a newer one
    api<{ runs: Run[] }>('GET', `${base}/runs?limit=1`).then(
      (a) => !stale && setLastRun(a.runs[0] ?? null),
      () => !stale && setLastRun(null),
    );
    return () => {
      stale = true;
    };
  }, [base, changes]);

  useEffect(
    () =>
      openTaskEvents(
        `${base}/events`,
        {
          status: (s) => {
            pending.current.note(s);
            setTask((x) => (x ? applyStatus(x, s) : x));
            setChanges((n) => n + 1);
          },
          progress: ({ task_id: _, ...progress }) => setTask((x) => (x ? { ...x, progress } : x)),
          log: (line) => setLogLines((l) => [...l.slice(-499), line]),
        },
        setLive,
      ),
    [base],
  );

  const run = async (action: Action) => {
    setBusy(true);
    try {
      if (action === 'delete') {
        await api('DELETE', base);
        navigate('/tasks');
        return;
      }
      const answer = await api<Task>('POST', `${base}/${action}`);
      flash({ type: 'success', text: t('tasks.done', { action: t(`tasks.${action}` as MessageKey), id: answer.id }) });
      if (action === 'clone') navigate(`/tasks/${encodeURIComponent(answer.id)}`);
      else setNewer(answer);
    } catch (e) {
      flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) });
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };

  if (error) return <Alert type="error">{error}</Alert>;
  if (!task) return <Spinner size="large" />;
  const active = ACTIVE.includes(task.status);
  const images = task.type === 'image';  // its runs count images, not objects
  const labels = countLabels(images);
  // Live figures only while a run goes on; a finished task shows its last run's totals
  // (its last progress event said "copying" forever otherwise).
  const p = active ? task.progress : null;
  const failed = failedObjects(task.status, lastRun);
  const confirmText: Record<Action, MessageKey> = {
    start: 'tasks.confirmStart',
    stop: 'tasks.confirmStop',
    clone: 'tasks.confirmClone',
    delete: 'tasks.confirmDelete',
  };

  const overview = (
    <SpaceBetween size="l">
      {task.error && (
        <Alert
          type={failed > 0 ? 'warning' : 'error'}
          header={failed > 0 ? t('status.doneWithFailures', { n: failed }) : t('detail.error')}
          action={
            failed > 0 ? (
              <Button
                onClick={() => {
                  setObjectFilter('failed');
                  setTab('objects');
                }}
              >
                {t('status.showFailed')}
              </Button>
            ) : undefined
          }
        >
          {task.error}
        </Alert>
      )}
      <Container
        header={
          <Header
            variant="h2"
            actions={
              <StatusIndicator type={live ? 'success' : 'pending'}>
                {live ? t('detail.liveConnected') : t('detail.liveDisconnected')}
              </StatusIndicator>
            }
          >
            {t('detail.live')}
          </Header>
        }
      >
        {p ? (
          <SpaceBetween size="m">
            <ProgressCell progress={p} label={t('tasks.progress')} images={images} />
            <ColumnLayout columns={4} variant="text-grid">
              <div>
                <Box variant="awsui-key-label">{t(labels.done)}</Box>
                <div data-testid="objects-done">
                  {p.objects_done} / {p.objects_planned}
                </div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('detail.bytesDone')}</Box>
                <div>
                  {bytes(p.bytes_done)} / {bytes(p.bytes_planned)}
                </div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('detail.rate')}</Box>
                <div>{t('units.perSecond', { value: bytes(p.bytes_per_second) })}</div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('detail.eta')}</Box>
                <div>{duration(p.eta_seconds)}</div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t(labels.failed)}</Box>
                <div>{p.objects_failed}</div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('detail.phase')}</Box>
                <div>{p.phase === 'planning' || p.phase === 'copying' ? t(`detail.phase.${p.phase}` as MessageKey) : p.phase}</div>
              </div>
            </ColumnLayout>
          </SpaceBetween>
        ) : lastRun ? (
          <SpaceBetween size="s">
            <Box color="text-body-secondary">{t('detail.lastRun', { id: lastRun.id })}</Box>
            <ProgressCell progress={null} lastRun={lastRun} label={t('tasks.progress')} images={images} />
            <ColumnLayout columns={4} variant="text-grid">
              <div>
                <Box variant="awsui-key-label">{t(labels.done)}</Box>
                <div data-testid="objects-done">
                  {lastRun.objects_done} / {lastRun.objects_planned}
                </div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('detail.bytesDone')}</Box>
                <div>{bytes(lastRun.bytes_done)}</div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t(labels.failed)}</Box>
                <div>{lastRun.objects_failed}</div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('detail.finished')}</Box>
                <div>{time(lastRun.finished_at, lang)}</div>
              </div>
            </ColumnLayout>
          </SpaceBetween>
        ) : (
          <Box color="text-body-secondary">{t('detail.noRun')}</Box>
        )}
      </Container>
      <Container header={<Header variant="h2">{t('detail.overview')}</Header>}>
        <KeyValuePairs
          columns={3}
          items={[
            { label: t('tasks.id'), value: task.id },
            { label: t('common.status'), value: <TaskStatusView status={task.status} error={task.error} lastRun={lastRun} /> },
            { label: t('tasks.engine'), value: t(`type.${task.type}` as MessageKey) },
            { label: t('tasks.source'), value: <Breakable text={sourceText(task)} /> },
            { label: t('tasks.destination'), value: <Breakable text={destinationText(task)} /> },
            { label: t('tasks.schedule'), value: task.schedule },
            { label: t('detail.nextRun'), value: time(task.next_run_at, lang) },
            { label: t('common.created'), value: time(task.created_at, lang) },
            { label: t('common.description'), value: task.description || t('common.none') },
          ]}
        />
      </Container>
    </SpaceBetween>
  );

  const options = (
    <Container header={<Header variant="h2">{t('detail.parameters')}</Header>}>
      <KeyValuePairs
        columns={3}
        items={[
          { label: t('detail.revision'), value: String(task.revision) },
          ...Object.entries(task.parameters).map(([k, v]) => ({ label: k, value: String(v) })),
        ]}
      />
    </Container>
  );

  const tabs = [
    { id: 'overview', label: t('detail.overview'), content: overview },
    { id: 'runs', label: t('detail.runs'), content: <RunsTab taskId={id} changes={changes} images={images} /> },
    task.type === 'image'
      ? { id: 'images', label: t('detail.images'), content: <ImagesTab taskId={id} changes={changes} /> }
      : {
          id: 'objects',
          label: t('detail.objects'),
          content: <ObjectsTab key={objectFilter} taskId={id} changes={changes} onRetried={setNewer} initialStatus={objectFilter} />,
        },
    { id: 'logs', label: t('detail.logs'), content: <LogsTab taskId={id} live={logLines} /> },
    {
      id: 'monitoring',
      label: t('detail.monitoring'),
      content: (
        <Suspense fallback={<Spinner />}>
          <MonitoringTab taskId={id} />
        </Suspense>
      ),
    },
    { id: 'options', label: t('detail.options'), content: options },
  ];

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={task.description || undefined}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel={t('common.refresh')} onClick={() => void load()} />
              {active ? (
                <Button onClick={() => setConfirm('stop')}>{t('tasks.stop')}</Button>
              ) : (
                <Button onClick={() => setConfirm('start')}>{t('tasks.start')}</Button>
              )}
              <Button disabled={active} onClick={() => navigate(`/tasks/${encodeURIComponent(id)}/edit`)}>
                {t('tasks.edit')}
              </Button>
              <Button onClick={() => setConfirm('clone')}>{t('tasks.clone')}</Button>
              <Button disabled={active} onClick={() => setConfirm('delete')}>
                {t('common.delete')}
              </Button>
            </SpaceBetween>
          }
        >
          {task.id} <TaskStatusView status={task.status} lastRun={lastRun} />
        </Header>
      }
    >
      <Tabs activeTabId={tab} onChange={(e) => setTab(e.detail.activeTabId)} tabs={tabs} ariaLabel={task.id} />
      <Modal
        visible={confirm !== null}
        onDismiss={() => setConfirm(null)}
        header={confirm ? t('tasks.confirmTitle', { action: t(`tasks.${confirm}` as MessageKey) }) : ''}
        closeAriaLabel={t('common.close')}
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setConfirm(null)}>
                {t('common.cancel')}
              </Button>
              <Button variant="primary" loading={busy} onClick={() => confirm && void run(confirm)}>
                {t('common.confirm')}
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        {confirm ? t(confirmText[confirm], { id: task.id }) : ''}
      </Modal>
    </ContentLayout>
  );
}
