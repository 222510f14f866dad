// Version, the signed-in user, and links to the API document and the metrics.
import { useEffect, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { api } from '../api/client';
import { useT } from '../i18n';

export default function About() {
  const t = useT();
  const [health, setHealth] = useState<{ status: string; version: string } | null>(null);
  const [me, setMe] = useState<{ username: string; role: string } | null>(null);
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
          <SpaceBetween size="xs">
            <Link href="/api/v1/openapi.json" external>
              {t('nav.api')}
            </Link>
            <Link href="/metrics" external>
              {t('nav.metrics')}
            </Link>
          </SpaceBetween>
        </Container>
      </SpaceBetween>
    </ContentLayout>
  );
}
