// The task list: server-side filters (status, type, text) and cursor paging, live
// progress and status over the hub's event stream, and the task actions (with a
// confirmation for each), and column preferences remembered in the browser.
import { useCallback, useEffect, useRef, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import CollectionPreferences from '@cloudscape-design/components/collection-preferences';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import Pagination from '@cloudscape-design/components/pagination';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { api, ApiError } from '../api/client';
import { applyStatus, openTaskEvents, PendingStatus } from '../api/events';
import type { Task } from '../api/types';
import { useLang } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { bytes, time } from '../format';
import { follow, navigate } from '../router';
import { useFlash } from '../flash';
import { TaskStatusView } from '../components/TaskStatus';
import { ProgressCell } from '../components/ProgressCell';
import { ACTIVE, destinationText, sourceText } from '../components/tasks';
import { Breakable } from '../components/Breakable';
import { throughput } from '../components/runView';
import { loadPreferences, normalize, savePreferences, type TaskColumn, type TaskListPreferences } from '../components/taskColumns';

const browserStorage = typeof localStorage !== 'undefined' ? localStorage : undefined;

const PAGE = 20;
const STATUSES = ['STARTING', 'IN_PROGRESS', 'DONE', 'ERROR', 'STOPPING', 'STOPPED'];
type Action = 'start' | 'stop' | 'clone' | 'delete';

export function TaskList() {
  const { t, lang } = useLang();
  const flash = useFlash();
  const [tasks, setTasks] = useState<Task[]>([]);
  const [loading, setLoading] = useState(true);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [cursors, setCursors] = useState<string[]>(['']);
  const [page, setPage] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [selected, setSelected] = useState<Task[]>([]);
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [prefs, setPrefs] = useState<TaskListPreferences>(() => loadPreferences(browserStorage));
  // Each column's name: its header, and its line in the preferences.
  const columnLabel: Record<TaskColumn, string> = {
    id: t('tasks.id'),
    status: t('common.status'),
    progress: t('tasks.progress'),
    rate: t('tasks.throughput'),
    source: t('tasks.source'),
    destination: t('tasks.destination'),
    type: t('tasks.engine'),
    schedule: t('tasks.schedule'),
    created: t('common.created'),
  };

  // One row read again (its last run's totals), if it is still shown and not older.
  const refreshRow = useCallback(async (id: string) => {
    try {
      const fresh = await api<Task>('GET', `/api/v1/tasks/${encodeURIComponent(id)}`);
      setTasks((list) => list.map((x) => (x.id === id && fresh.revision >= x.revision ? fresh : x)));
    } catch {
      // gone or unreachable: the next load says so
    }
  }, []);

  const latest = useRef(0);  // only the newest request's answer is shown (filters change fast)
  // Status events heard while the list is on its way: the answer may be older than they are.
  const pending = useRef(new PendingStatus());
  const load = useCallback(async () => {
    const request = ++latest.current;
    pending.current.watching = true;
    setLoading(true);
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (status) params.set('status', status);
    if (type) params.set('type', type);
    if (query) params.set('q', query);
    if (cursors[page]) params.set('cursor', cursors[page]);
    try {
      const answer = await api<{ tasks: Task[]; next_cursor: string | null }>('GET', `/api/v1/tasks?${params}`);
      if (request !== latest.current) return;
      const rows = pending.current.applyTo(answer.tasks);
      setTasks(rows);
      // A run that ended while the list was on its way: its row shows that run's totals.
      rows.forEach((x, i) => {
        if (x.status !== answer.tasks[i].status && !ACTIVE.includes(x.status)) void refreshRow(x.id);
      });
      setNext(answer.next_cursor);
      setSelected((sel) => answer.tasks.filter((x) => sel.some((s) => s.id === x.id)));
    } catch (e) {
      flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) });
    } finally {
      if (request === latest.current) pending.current.forget();
      setLoading(false);
    }
  }, [status, type, query, cursors, page, flash, refreshRow]);
  const loadNow = useRef(load);
  useEffect(() => {
    loadNow.current = load;
  }, [load]);

  useEffect(() => {
    void load();
  }, [load]);

  // "dth:task-list-rows": the first page's rows on screen (the next frame after they were
  // committed), for the browser tests' first-meaningful-paint figure (Performance API).
  const painted = useRef(false);
  useEffect(() => {
    if (loading || painted.current) return;
    painted.current = true;
    requestAnimationFrame(() => performance.mark('dth:task-list-rows'));
  }, [loading]);

  const shown = useRef<Task[]>([]);  // the rows on screen, for the event handlers
  useEffect(() => {
    shown.current = tasks;
  }, [tasks]);

  // Live: progress and status changes of every task, applied to the rows shown.
  useEffect(
    () =>
      openTaskEvents('/api/v1/events', {
        progress: (p) => {
          const { task_id, ...progress } = p;
          setTasks((list) => list.map((x) => (x.id === task_id ? { ...x, progress } : x)));
        },
        status: (s) => {
          pending.current.note(s);
          setTasks((list) => list.map((x) => applyStatus(x, s)));
          // A run ended: the row shows that run's totals (last_run) instead of live progress.
          // Only rows on this page: a hub of thousands of tasks sends events for all of them.
          if (s.status !== 'DELETED' && !ACTIVE.includes(s.status) && shown.current.some((x) => x.id === s.task_id))
            void refreshRow(s.task_id);
        },
      },
      // This stream tells what changes from now on, and sends no statuses when it opens: the
      // rows are read again each time it (re)opens, so no change made before is missed.
      (open) => {
        if (open) void loadNow.current();
      }),
    [refreshRow],
  );

  const resetPaging = () => {
    setCursors(['']);
    setPage(0);
  };

  // The selected row as it is now (live events replace the rows, not the selection).
  const task = tasks.find((x) => x.id === selected[0]?.id);
  const run = async (action: Action) => {
    if (!task) return;
    setBusy(true);
    try {
      if (action === 'delete') await api('DELETE', `/api/v1/tasks/${encodeURIComponent(task.id)}`);
      else await api('POST', `/api/v1/tasks/${encodeURIComponent(task.id)}/${action}`);
      flash({ type: 'success', text: t('tasks.done', { action: t(`tasks.${action}` as MessageKey), id: task.id }) });
      setConfirm(null);
      await load();
    } catch (e) {
      setConfirm(null);
      flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const confirmText: Record<Action, MessageKey> = {
    start: 'tasks.confirmStart',
    stop: 'tasks.confirmStop',
    clone: 'tasks.confirmClone',
    delete: 'tasks.confirmDelete',
  };
  const active = task ? ACTIVE.includes(task.status) : false;

  const statusOptions: SelectProps.Option[] = [
    { value: '', label: t('tasks.anyStatus') },
    ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}` as MessageKey) })),
  ];
  const typeOptions: SelectProps.Option[] = [
    { value: '', label: t('tasks.anyType') },
    { value: 's3', label: t('type.s3') },
    { value: 'image', label: t('type.image') },
  ];

  return (
    <>
      <Table
        variant="full-page"
        loading={loading}
        loadingText={t('common.loading')}
        items={tasks}
        trackBy="id"
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        columnDisplay={prefs.contentDisplay}
        wrapLines={prefs.wrapLines}
        preferences={
          <CollectionPreferences
            title={t('prefs.title')}
            confirmLabel={t('common.confirm')}
            cancelLabel={t('common.cancel')}
            preferences={prefs}
            onConfirm={(e) => {
              const chosen = normalize({
                contentDisplay: e.detail.contentDisplay ?? prefs.contentDisplay,
                wrapLines: e.detail.wrapLines ?? prefs.wrapLines,
              });
              savePreferences(browserStorage, chosen);
              setPrefs(chosen);
            }}
            wrapLinesPreference={{ label: t('prefs.wrapLines'), description: t('prefs.wrapLinesHint') }}
            contentDisplayPreference={{
              title: t('prefs.columns'),
              description: t('prefs.columnsHint'),
              options: prefs.contentDisplay.map((c) => ({
                id: c.id,
                label: columnLabel[c.id as TaskColumn] ?? c.id,
                alwaysVisible: c.id === 'id',
              })),
              dragHandleAriaLabel: t('prefs.dragHandle'),
              liveAnnouncementDndStarted: (position, total) =>
                t('prefs.dragStarted', { from: String(position), total: String(total) }),
              liveAnnouncementDndItemReordered: (initial, current, total) =>
                t('prefs.dragMoved', { from: String(initial), to: String(current), total: String(total) }),
              liveAnnouncementDndItemCommitted: (initial, final, total) =>
                t('prefs.dragDropped', { from: String(initial), to: String(final), total: String(total) }),
              liveAnnouncementDndDiscarded: t('prefs.dragCanceled'),
              dragHandleAriaDescription: t('prefs.dragInstructions'),
            }}
          />
        }
        ariaLabels={{
          selectionGroupLabel: t('tasks.selectAll'),
          itemSelectionLabel: (_s, item) => t('tasks.select', { id: item.id }),
          tableLabel: t('tasks.title'),
        }}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={`(${tasks.length}${next ? '+' : ''})`}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel={t('common.refresh')} onClick={() => void load()} />
                <ButtonDropdown
                  disabled={!task}
                  items={[
                    { id: 'view', text: t('tasks.view') },
                    { id: 'start', text: t('tasks.start'), disabled: active },
                    { id: 'stop', text: t('tasks.stop'), disabled: !active },
                    { id: 'edit', text: t('tasks.edit'), disabled: active },
                    { id: 'clone', text: t('tasks.clone') },
                    { id: 'delete', text: t('common.delete'), disabled: active },
                  ]}
                  onItemClick={(e) => {
                    if (!task) return;
                    if (e.detail.id === 'view') navigate(`/tasks/${encodeURIComponent(task.id)}`);
                    else if (e.detail.id === 'edit') navigate(`/tasks/${encodeURIComponent(task.id)}/edit`);
                    else setConfirm(e.detail.id as Action);
                  }}
                >
                  {t('tasks.actions')}
                </ButtonDropdown>
                <Button variant="primary" href="/tasks/new" onFollow={follow}>
                  {t('tasks.create')}
                </Button>
              </SpaceBetween>
            }
          >
            {t('tasks.title')}
          </Header>
        }
        filter={
          <SpaceBetween direction="horizontal" size="xs">
            <TextFilter
              filteringText={text}
              filteringPlaceholder={t('tasks.filterText')}
              filteringAriaLabel={t('tasks.filterText')}
              onChange={(e) => setText(e.detail.filteringText)}
              onDelayedChange={(e) => {
                setQuery(e.detail.filteringText);
                resetPaging();
              }}
            />
            <Select
              ariaLabel={t('tasks.filterStatus')}
              selectedOption={statusOptions.find((o) => o.value === status) ?? statusOptions[0]}
              options={statusOptions}
              onChange={(e) => {
                setStatus(e.detail.selectedOption.value ?? '');
                resetPaging();
              }}
            />
            <Select
              ariaLabel={t('tasks.filterType')}
              selectedOption={typeOptions.find((o) => o.value === type) ?? typeOptions[0]}
              options={typeOptions}
              onChange={(e) => {
                setType(e.detail.selectedOption.value ?? '');
                resetPaging();
              }}
            />
          </SpaceBetween>
        }
        pagination={
          <Pagination
            currentPageIndex={page + 1}
            pagesCount={cursors.length}
            openEnd={next !== null}
            onChange={(e) => {
              const index = e.detail.currentPageIndex - 1;
              if (index >= cursors.length) {
                if (!next) return;
                setCursors((c) => [...c, next]);
              }
              setPage(index);
            }}
            onNextPageClick={(e) => {
              if (!e.detail.requestedPageAvailable && next) {
                setCursors((c) => [...c.slice(0, page + 1), next]);
                setPage(page + 1);
              }
            }}
          />
        }
        empty={
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="s">
              <b>{t('tasks.empty')}</b>
              <Box variant="p" color="inherit">
                {t('tasks.emptyHint')}
              </Box>
              <Button href="/tasks/new" onFollow={follow}>
                {t('tasks.create')}
              </Button>
            </SpaceBetween>
          </Box>
        }
        // Status and progress next to the ID: they are what one looks for first (the
        // original's order put them past the fold at 1280 px).
        columnDefinitions={[
          {
            id: 'id',
            header: columnLabel.id,
            cell: (x) => (
              // An ID is never broken at its hyphen, even with lines wrapped.
              <span style={{ whiteSpace: 'nowrap' }}>
                <Link href={`/tasks/${encodeURIComponent(x.id)}`} onFollow={follow}>
                  {x.id}
                </Link>
              </span>
            ),
            isRowHeader: true,
          },
          {
            id: 'status',
            header: columnLabel.status,
            minWidth: 150,  // "Done, 12 failed" on one line
            cell: (x) => <TaskStatusView status={x.status} error={x.error} lastRun={x.last_run} taskId={x.id} />,
          },
          {
            id: 'progress',
            header: columnLabel.progress,
            minWidth: 180,
            cell: (x) => (
              <ProgressCell
                progress={ACTIVE.includes(x.status) ? x.progress : null}
                lastRun={x.last_run}
                label={`${t('tasks.progress')} ${x.id}`}
                images={x.type === 'image'}
              />
            ),
          },
          {
            id: 'rate',
            header: columnLabel.rate,
            minWidth: 120,  // with lines wrapped, not a character per line ("平均 4.0 KiB/秒")
            cell: (x) => {
              const active = ACTIVE.includes(x.status);
              const rate = throughput(x.progress, x.last_run, active);
              if (rate === null) return t('common.none');
              return active && x.progress
                ? t('units.perSecond', { value: bytes(rate) })
                : t('tasks.averageRate', { value: bytes(rate) });
            },
          },
          // A bucket/prefix or an endpoint has no spaces to wrap at: given some, so the list
          // fits 1280 px in every language instead of scrolling sideways.
          { id: 'source', header: columnLabel.source, cell: (x) => <Breakable text={sourceText(x)} /> },
          { id: 'destination', header: columnLabel.destination, cell: (x) => <Breakable text={destinationText(x)} /> },
          { id: 'type', header: columnLabel.type, cell: (x) => t(`type.${x.type}` as MessageKey) },
          { id: 'schedule', header: columnLabel.schedule, cell: (x) => x.schedule },
          { id: 'created', header: columnLabel.created, cell: (x) => time(x.created_at, lang) },
        ]}
      />
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
        {confirm && task ? t(confirmText[confirm], { id: task.id }) : ''}
      </Modal>
    </>
  );
}
