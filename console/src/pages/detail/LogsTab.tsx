// A task's log: the stored lines (level filter, search) and the new ones as they come.
import { useEffect, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Header from '@cloudscape-design/components/header';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { api } from '../../api/client';
import type { LogLine } from '../../api/types';
import { useLang } from '../../i18n';
import { time } from '../../format';

const LEVELS = ['debug', 'info', 'warn', 'error'];

export function LogsTab({ taskId, live }: { taskId: string; live: LogLine[] }) {
  const { t, lang } = useLang();
  const [lines, setLines] = useState<LogLine[]>([]);
  const [level, setLevel] = useState('info');
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    const params = new URLSearchParams({ limit: '1000', level });
    if (query) params.set('q', query);
    setLoading(true);
    api<{ logs: LogLine[] }>('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}/logs?${params}`).then(
      (a) => {
        setLines(a.logs);
        setLoading(false);
      },
      () => setLoading(false),
    );
  }, [taskId, level, query]);

  const known = new Set(lines.map((l) => l.id));
  const minLevel = LEVELS.indexOf(level);
  const fresh = live.filter(
    (l) => !known.has(l.id) && LEVELS.indexOf(l.level) >= minLevel && (!query || l.message.toLowerCase().includes(query.toLowerCase())),
  );
  const all = [...lines, ...fresh];
  const options: SelectProps.Option[] = LEVELS.map((l) => ({ value: l, label: l }));
  return (
    <Table
      items={all}
      loading={loading}
      loadingText={t('common.loading')}
      trackBy="id"
      wrapLines
      variant="container"
      ariaLabels={{ tableLabel: t('detail.logs') }}
      header={<Header counter={`(${all.length})`}>{t('detail.logs')}</Header>}
      filter={
        <SpaceBetween direction="horizontal" size="xs">
          <TextFilter
            filteringText={text}
            filteringPlaceholder={t('detail.logSearch')}
            filteringAriaLabel={t('detail.logSearch')}
            onChange={(e) => setText(e.detail.filteringText)}
            onDelayedChange={(e) => setQuery(e.detail.filteringText)}
          />
          <Select
            ariaLabel={t('detail.logLevel')}
            selectedOption={options.find((o) => o.value === level) ?? options[1]}
            options={options}
            onChange={(e) => setLevel(e.detail.selectedOption.value ?? 'info')}
          />
        </SpaceBetween>
      }
      empty={<Box textAlign="center">{t('detail.noLogs')}</Box>}
      columnDefinitions={[
        { id: 'time', header: t('detail.logTime'), cell: (l) => time(l.time, lang), width: 200 },
        { id: 'level', header: t('detail.logLevel'), cell: (l) => l.level, width: 90 },
        { id: 'message', header: t('detail.logMessage'), cell: (l) => l.message, isRowHeader: true },
      ]}
    />
  );
}
