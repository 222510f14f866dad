// The original's four charts plus retried requests, over the original's ranges (loaded
// only when the tab opens: the charts are a chunk of their own). The current hour is
// reloaded each minute, when a new sample is written.
import { useEffect, useState } from 'react';
import Container from '@cloudscape-design/components/container';
import Grid from '@cloudscape-design/components/grid';
import Header from '@cloudscape-design/components/header';
import LineChart from '@cloudscape-design/components/line-chart';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { api } from '../../api/client';
import type { MetricPoint, MetricsAnswer } from '../../api/types';
import { useLang } from '../../i18n';
import type { MessageKey } from '../../i18n/en';
import { bytes } from '../../format';
import { everyStep } from './metricSteps';

const RANGES = ['1h', '3h', '12h', '1d', '3d', '1w'];
type Field = keyof Omit<MetricPoint, 'time'>;

export default function MonitoringTab({ taskId }: { taskId: string }) {
  const { t, lang } = useLang();
  const [range, setRange] = useState('1h');
  const [answer, setAnswer] = useState<MetricsAnswer | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let stop = false;
    const load = () =>
      api<MetricsAnswer>('GET', `/api/v1/tasks/${encodeURIComponent(taskId)}/metrics?range=${range}`).then(
        (a) => {
          if (stop) return;
          setAnswer(a);
          setLoading(false);
        },
        () => setLoading(false),
      );
    void load();
    const timer = range === '1h' ? window.setInterval(load, 60_000) : undefined;
    return () => {
      stop = true;
      if (timer) window.clearInterval(timer);
    };
  }, [taskId, range]);

  // Every step of the range (a quiet one at zero), over the whole range; none at all when
  // nothing was ever sampled (the chart says there is no data).
  const steps = answer && answer.points.length > 0 ? everyStep(answer) : [];
  const xDomain = answer && steps.length > 0 ? [new Date(answer.from), steps[steps.length - 1].time] : undefined;
  const chart = (title: MessageKey, series: [MessageKey, Field][], format?: (n: number) => string) => (
    <Container header={<Header variant="h3">{t(title)}</Header>}>
      <LineChart
        height={160}
        statusType={loading ? 'loading' : 'finished'}
        loadingText={t('common.loading')}
        empty={t('detail.chart.empty')}
        noMatch={t('common.noMatches')}
        xScaleType="time"
        xDomain={xDomain}
        xTitle={t('detail.logTime')}
        ariaLabel={t(title)}
        hideFilter
        i18nStrings={{
          xTickFormatter: (d) => (d as Date).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit' }),
          yTickFormatter: format,
        }}
        series={series.map(([label, field]) => ({
          title: t(label),
          type: 'line' as const,
          data: steps.map((s) => ({ x: s.time, y: s.point[field] })),
          valueFormatter: format,
        }))}
      />
    </Container>
  );
  return (
    <SpaceBetween size="l">
      <SegmentedControl
        label={t('detail.range')}
        selectedId={range}
        onChange={(e) => setRange(e.detail.selectedId)}
        options={RANGES.map((r) => ({ id: r, text: r }))}
      />
      <Grid gridDefinition={[{ colspan: { default: 12, m: 6 } }, { colspan: { default: 12, m: 6 } }, { colspan: { default: 12, m: 6 } }, { colspan: { default: 12, m: 6 } }, { colspan: { default: 12, m: 6 } }]}>
        {chart('detail.chart.bytes', [['detail.series.bytes', 'bytes']], (n) => bytes(n))}
        {chart('detail.chart.objects', [
          ['detail.series.done', 'objects_done'],
          ['detail.series.failed', 'objects_failed'],
        ])}
        {chart('detail.chart.jobs', [
          ['detail.series.running', 'jobs_running'],
          ['detail.series.waiting', 'jobs_waiting'],
        ])}
        {chart('detail.chart.workers', [['detail.series.workers', 'workers_busy']])}
        {chart('detail.chart.retries', [
          ['detail.series.throttled', 'retries_throttled'],
          ['detail.series.server', 'retries_server'],
          ['detail.series.network', 'retries_network'],
        ])}
      </Grid>
    </SpaceBetween>
  );
}
