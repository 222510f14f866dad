// Sign-in with a local user (POST /api/v1/auth/token).
import { useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useLang } from '../i18n';
import { ApiError, signIn } from '../api/client';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t, lang, setLang } = useLang();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError('');
    try {
      await signIn(username, password);
      onSignedIn();
    } catch (e) {
      setError(t('signin.failed', { detail: e instanceof ApiError ? e.detail : String(e) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ maxWidth: 440, margin: '10vh auto', padding: '0 16px' }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form
          actions={
            <Button variant="primary" formAction="submit" loading={busy}>
              {t('signin.submit')}
            </Button>
          }
          errorText={error || undefined}
        >
          <Container
            header={
              <Header
                variant="h1"
                actions={
                  <SegmentedControl
                    label={t('app.language')}
                    selectedId={lang}
                    onChange={(e) => setLang(e.detail.selectedId === 'zh' ? 'zh' : 'en')}
                    options={[
                      { id: 'en', text: 'English' },
                      { id: 'zh', text: '中文' },
                    ]}
                  />
                }
              >
                {t('signin.title')}
              </Header>
            }
          >
            <SpaceBetween size="m">
              <FormField label={t('signin.username')}>
                <Input value={username} onChange={(e) => setUsername(e.detail.value)} autoComplete="username" />
              </FormField>
              <FormField label={t('signin.password')}>
                <Input
                  type="password"
                  value={password}
                  onChange={(e) => setPassword(e.detail.value)}
                  autoComplete="current-password"
                />
              </FormField>
              <Box color="text-body-secondary" fontSize="body-s">
                {t('signin.hint')}
              </Box>
            </SpaceBetween>
          </Container>
        </Form>
      </form>
    </main>
  );
}
