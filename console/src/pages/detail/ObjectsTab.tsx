// A task's object records: filter by status and key prefix (on the server), cursor
// paging, the error of each failed object, retry of the selected or of all failed ones.
import { useCallback, useEffect, useRef, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { api, ApiError } from '../../api/client';
import type { ObjectRecord, Task } from '../../api/types';
import { useLang } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import { bytes, time } from '../../format';
import { useFlash } from '../../flash';

const PAGE = 50;
const KIND: Record<string, StatusIndicatorProps.Type> = {
  pending: 'pending',
  copying: 'in-progress',
  done: 'success',
  failed: 'error',
  skipped: 'stopped',
};
interface Summary {
  pending: number;
  copying: number;
  done: number;
  failed: number;
  skipped: number;
  total: number;
}

export function ObjectsTab({
  taskId,
  changes,
  onRetried,
  initialStatus = '',
}: {
  taskId: string;
  changes: number;
  onRetried: (t: Task) => void;
  initialStatus?: string;  // e.g. "failed" from the task's "Done, N failed" status
}) {
  const { t, lang } = useLang();
  const flash = useFlash();
  const base = `/api/v1/tasks/${encodeURIComponent(taskId)}/objects`;
  const [items, setItems] = useState<ObjectRecord[]>([]);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [loading, setLoading] = useState(true);
  const [status, setStatus] = useState(initialStatus);
  const [prefixText, setPrefixText] = useState('');
  const [prefix, setPrefix] = useState('');
  const [cursors, setCursors] = useState<string[]>(['']);
  const [page, setPage] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [selected, setSelected] = useState<ObjectRecord[]>([]);
  const [busy, setBusy] = useState(false);
  const latest = useRef(0);  // only the newest request's answer is shown

  const load = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (status) params.set('status', status);
    if (prefix) params.set('prefix', prefix);
    if (cursors[page]) params.set('cursor', cursors[page]);
    try {
      const answer = await api<{ objects: ObjectRecord[]; next_cursor: string | null }>('GET', `${base}?${params}`);
      if (request !== latest.current) return;
      setItems(answer.objects);
      setNext(answer.next_cursor);
      setSelected([]);
    } catch (e) {
      flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) });
    } finally {
      setLoading(false);
    }
  }, [base, status, prefix, cursors, page, flash]);
  useEffect(() => {
    void load();
  }, [load, changes]);

  // The counts by status: a pass over every record (~0.1 s at a million), so read when the
  // tab opens, when the task changes and after a retry or refresh, not on every page or
  // filter change (those are indexed look-ups of one page).
  const [countsWanted, setCountsWanted] = useState(0);
  useEffect(() => {
    let stale = false;
    api<Summary>('GET', `${base}/summary`).then(
      (counts) => !stale && setSummary(counts),
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [base, changes, countsWanted]);
  const refresh = () => {
    setCountsWanted((n) => n + 1);
    void load();
  };

  const retry = async (keys: string[]) => {
    setBusy(true);
    try {
      const task = await api<Task>('POST', `${base}/retry`, keys.length > 0 ? { keys } : {});
      onRetried(task);
      flash({ type: 'success', text: t('detail.retried') });
      refresh();
    } catch (e) {
      flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const statusOptions: SelectProps.Option[] = [
    { value: '', label: t('common.all') },
    ...['pending', 'copying', 'done', 'failed', 'skipped'].map((s) => ({ value: s, label: t(`detail.objStatus.${s}` as MessageKey) })),
  ];
  const resetPaging = () => {
    setCursors(['']);
    setPage(0);
  };

  return (
    <Table
      items={items}
      loading={loading}
      loadingText={t('common.loading')}
      trackBy="key"
      selectionType="multi"
      selectedItems={selected}
      onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
      isItemDisabled={(o) => o.status !== 'failed'}
      wrapLines
      ariaLabels={{
        selectionGroupLabel: t('detail.selectAllObjects'),
        allItemsSelectionLabel: () => t('detail.selectAllObjects'),
        itemSelectionLabel: (_s, o) => t('detail.selectObject', { key: o.key }),
        tableLabel: t('detail.objects'),
      }}
      header={
        <Header
          counter={summary ? `(${summary.total})` : undefined}
          description={
            summary
              ? t('detail.summary', { done: summary.done, failed: summary.failed, pending: summary.pending + summary.copying, skipped: summary.skipped })
              : undefined
          }
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel={t('common.refresh')} onClick={refresh} />
              <Button disabled={selected.length === 0} loading={busy} onClick={() => void retry(selected.map((o) => o.key))}>
                {t('detail.retrySelected')}
              </Button>
              <Button disabled={!summary || summary.failed === 0} loading={busy} onClick={() => void retry([])}>
                {t('detail.retryAllFailed')}
              </Button>
            </SpaceBetween>
          }
        >
          {t('detail.objects')}
        </Header>
      }
      filter={
        <SpaceBetween direction="horizontal" size="xs">
          <TextFilter
            filteringText={prefixText}
            filteringPlaceholder={t('detail.prefixFilter')}
            filteringAriaLabel={t('detail.prefixFilter')}
            onChange={(e) => setPrefixText(e.detail.filteringText)}
            onDelayedChange={(e) => {
              setPrefix(e.detail.filteringText);
              resetPaging();
            }}
          />
          <Select
            ariaLabel={t('detail.statusFilter')}
            selectedOption={statusOptions.find((o) => o.value === status) ?? statusOptions[0]}
            options={statusOptions}
            onChange={(e) => {
              setStatus(e.detail.selectedOption.value ?? '');
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
          onChange={(e) => setPage(Math.min(e.detail.currentPageIndex - 1, cursors.length - 1))}
          onNextPageClick={(e) => {
            if (!e.detail.requestedPageAvailable && next) {
              setCursors((c) => [...c.slice(0, page + 1), next]);
              setPage(page + 1);
            }
          }}
        />
      }
      empty={<Box textAlign="center">{t('detail.noObjects')}</Box>}
      columnDefinitions={[
        { id: 'key', header: t('detail.key'), cell: (o) => o.key, isRowHeader: true },
        { id: 'size', header: t('detail.size'), cell: (o) => bytes(o.size), minWidth: 90 },  // "60 B", not "60 / B"
        {
          id: 'status',
          header: t('common.status'),
          minWidth: 130,  // "Failed" on one line, not "Fail / ed"
          cell: (o) => <StatusIndicator type={KIND[o.status] ?? 'info'}>{t(`detail.objStatus.${o.status}` as MessageKey)}</StatusIndicator>,
        },
        { id: 'attempts', header: t('detail.attempts'), cell: (o) => o.attempts },
        { id: 'error', header: t('detail.objectError'), cell: (o) => o.error ?? t('common.none') },
        { id: 'finished', header: t('detail.finished'), cell: (o) => time(o.finished_at, lang) },
      ]}
    />
  );
}
