// The wizard's "Test connection": sends the form's definition to
// POST /api/v1/connections/test (nothing is saved) and shows, per side, whether it was
// reached with the chosen credentials, why not, and a few of its keys.
import { useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { api, ApiError } from '../api/client';
import type { ConnectionSide, ConnectionTest as Answer } from '../api/types';
import { useT } from '../i18n';
import type { MessageKey } from '../i18n/en';

export default function ConnectionTest({ definition, onFieldError }: {
  definition: unknown;
  // A 400 naming a field (an unknown credential, a bad bucket): the wizard shows it there.
  onFieldError?: (field: string, detail: string) => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState('');

  const run = async () => {
    setBusy(true);
    setError('');
    setAnswer(null);
    try {
      setAnswer(await api<Answer>('POST', '/api/v1/connections/test', definition));
    } catch (e) {
      const detail = e instanceof ApiError ? e.detail : String(e);
      setError(detail);
      if (e instanceof ApiError && e.field && onFieldError) onFieldError(e.field, e.detail);
    } finally {
      setBusy(false);
    }
  };

  const side = (label: MessageKey, s: ConnectionSide, testId: string) => (
    <div data-testid={testId}>
      <SpaceBetween size="xs">
        <Box variant="awsui-key-label">{t(label)}</Box>
        {s.ok ? (
          <StatusIndicator type="success">{t('wizard.testOk', { ms: s.elapsed_ms })}</StatusIndicator>
        ) : (
          <StatusIndicator type="error">{t('wizard.testFailed', { detail: s.error ?? '' })}</StatusIndicator>
        )}
        {s.ok && s.sample.length === 0 && <Box color="text-body-secondary">{t('wizard.testEmpty')}</Box>}
        {s.sample.length > 0 && (
          <Box>
            {t('wizard.testSample')}
            <ul>
              {s.sample.map((k) => (
                <li key={k}>
                  <code>{k}</code>
                </li>
              ))}
            </ul>
          </Box>
        )}
      </SpaceBetween>
    </div>
  );

  return (
    <Container
      header={
        <Header
          variant="h2"
          description={t('wizard.testHint')}
          actions={
            <Button onClick={() => void run()} loading={busy}>
              {t('wizard.testConnection')}
            </Button>
          }
        >
          {t('wizard.testConnection')}
        </Header>
      }
    >
      {error && <StatusIndicator type="error">{t('wizard.testRefused', { detail: error })}</StatusIndicator>}
      {answer && (
        <ColumnLayout columns={2}>
          {side('tasks.source', answer.source, 'test-source')}
          {side('tasks.destination', answer.destination, 'test-destination')}
        </ColumnLayout>
      )}
      {!error && !answer && !busy && <Box color="text-body-secondary">{t('wizard.testNotRun')}</Box>}
    </Container>
  );
}
