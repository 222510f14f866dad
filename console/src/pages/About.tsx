// Version, the signed-in user, the link to the API's browsable document (/docs, no token
// needed) and the Prometheus metrics: /metrics wants a bearer token, which a link cannot
// send, so the page fetches them with the signed-in user's token and shows them.
import { useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { api, token } from '../api/client';
import { useT } from '../i18n';

export default function About() {
  const t = useT();
  const [health, setHealth] = useState<{ status: string; version: string } | null>(null);
  const [me, setMe] = useState<{ username: string; role: string } | null>(null);
  const [metrics, setMetrics] = useState<string | null>(null);
  const [metricsError, setMetricsError] = useState('');
  const [loadingMetrics, setLoadingMetrics] = useState(false);
  const showMetrics = async () => {
    setLoadingMetrics(true);
    setMetricsError('');
    try {
      const answer = await fetch('/metrics', { headers: { Authorization: `Bearer ${token() ?? ''}` } });
      const text = await answer.text();
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      setMetrics(text);
    } catch (e) {
      setMetricsError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoadingMetrics(false);
    }
  };
  useEffect(() => {
    api<{ status: string; version: string }>('GET', '/api/v1/health').then(setHealth, () => setHealth(null));
    api<{ username: string; role: string }>('GET', '/api/v1/me').then(setMe, () => setMe(null));
  }, []);
  return (
    <ContentLayout header={<Header variant="h1">{t('about.title')}</Header>}>
      <SpaceBetween size="l">
        <Container>
          <SpaceBetween size="m">
            <Box variant="p">{t('about.text')}</Box>
            <ColumnLayout columns={3} variant="text-grid">
              <div>
                <Box variant="awsui-key-label">{t('about.version')}</Box>
                <div data-testid="version">{health?.version ?? t('common.none')}</div>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('about.server')}</Box>
                <StatusIndicator type={health?.status === 'ok' ? 'success' : 'pending'}>
                  {health?.status ?? t('common.loading')}
                </StatusIndicator>
              </div>
              <div>
                <Box variant="awsui-key-label">{t('about.user')}</Box>
                <div>
                  {me ? `${me.username} (${t('about.role')}: ${me.role})` : t('common.none')}
                </div>
              </div>
            </ColumnLayout>
          </SpaceBetween>
        </Container>
        <Container header={<Header variant="h2">{t('about.links')}</Header>}>
          <SpaceBetween size="s">
            <Link href="/docs" external>
              {t('nav.api')}
            </Link>
            <Box variant="h3">{t('nav.metrics')}</Box>
            <Box variant="p">{t('about.metricsText')}</Box>
            <Button loading={loadingMetrics} onClick={() => void showMetrics()}>
              {t('about.showMetrics')}
            </Button>
            {metricsError && <Alert type="error">{t('about.metricsFailed', { reason: metricsError })}</Alert>}
            {metrics !== null && (
              <pre data-testid="metrics" tabIndex={0} aria-label={t('nav.metrics')} style={{ maxHeight: 400, overflow: 'auto', fontSize: 12 }}>
                {metrics}
              </pre>
            )}
          </SpaceBetween>
        </Container>
      </SpaceBetween>
    </ContentLayout>
  );
}
