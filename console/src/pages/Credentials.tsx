// Named credentials: list, create (values go in and are never shown again), delete.
import { useCallback, useEffect, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { api, ApiError } from '../api/client';
import type { Credential } from '../api/types';
import { useLang } from '../i18n';
import { time } from '../format';
import { useFlash } from '../flash';

interface Draft {
  name: string;
  kind: 's3' | 'registry';
  description: string;
  access_key_id: string;
  secret_access_key: string;
  session_token: string;
  username: string;
  password: string;
}
const EMPTY: Draft = {
  name: '',
  kind: 's3',
  description: '',
  access_key_id: '',
  secret_access_key: '',
  session_token: '',
  username: '',
  password: '',
};

export default function Credentials() {
  const { t, lang } = useLang();
  const flash = useFlash();
  const [items, setItems] = useState<Credential[]>([]);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<Credential[]>([]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState('');

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const answer = await api<{ credentials: Credential[] }>('GET', '/api/v1/credentials');
      setItems(answer.credentials);
    } catch (e) {
      flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) });
    } finally {
      setLoading(false);
    }
  }, [flash]);
  useEffect(() => {
    void load();
  }, [load]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const create = async () => {
    const local: Record<string, string> = {};
    if (!draft.name.trim()) local.name = t('wizard.required');
    if (draft.kind === 's3') {
      if (!draft.access_key_id) local['value.access_key_id'] = t('wizard.required');
      if (!draft.secret_access_key) local['value.secret_access_key'] = t('wizard.required');
    } else if (!draft.password) {
      local['value.password'] = t('wizard.required');
    }
    setErrors(local);
    setFormError('');
    if (Object.keys(local).length > 0) return;
    const value =
      draft.kind === 's3'
        ? {
            access_key_id: draft.access_key_id,
            secret_access_key: draft.secret_access_key,
            ...(draft.session_token ? { session_token: draft.session_token } : {}),
          }
        : draft.username
          ? { username: draft.username, password: draft.password }
          : { token: draft.password };
    try {
      await api('POST', '/api/v1/credentials', {
        name: draft.name.trim(),
        kind: draft.kind,
        description: draft.description,
        value,
      });
      flash({ type: 'success', text: t('creds.created', { name: draft.name.trim() }) });
      setCreating(false);
      setDraft(EMPTY);
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.field) setErrors({ [e.field]: e.detail });
      else setFormError(e instanceof ApiError ? e.detail : String(e));
    }
  };
  const remove = async () => {
    const c = selected[0];
    if (!c) return;
    try {
      await api('DELETE', `/api/v1/credentials/${encodeURIComponent(c.name)}`);
      setSelected([]);
      await load();
    } catch (e) {
      flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) });
    } finally {
      setDeleting(false);
    }
  };

  return (
    <>
      <Table
        variant="full-page"
        items={items}
        loading={loading}
        loadingText={t('common.loading')}
        trackBy="name"
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        ariaLabels={{
          itemSelectionLabel: (_s, item) => t('creds.select', { name: item.name }),
          selectionGroupLabel: t('creds.title'),
          tableLabel: t('creds.title'),
        }}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={`(${items.length})`}
            description={t('creds.hidden')}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={selected.length === 0} onClick={() => setDeleting(true)}>
                  {t('common.delete')}
                </Button>
                <Button variant="primary" onClick={() => setCreating(true)}>
                  {t('creds.create')}
                </Button>
              </SpaceBetween>
            }
          >
            {t('creds.title')}
          </Header>
        }
        empty={<Box textAlign="center">{t('creds.empty')}</Box>}
        columnDefinitions={[
          { id: 'name', header: t('common.name'), cell: (c) => c.name, isRowHeader: true },
          { id: 'kind', header: t('creds.kind'), cell: (c) => (c.kind === 's3' ? t('creds.kindS3') : t('creds.kindRegistry')) },
          { id: 'description', header: t('common.description'), cell: (c) => c.description || t('common.none') },
          { id: 'created', header: t('common.created'), cell: (c) => time(c.created_at, lang) },
        ]}
      />
      <Modal
        visible={creating}
        onDismiss={() => setCreating(false)}
        header={t('creds.create')}
        closeAriaLabel={t('common.close')}
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setCreating(false)}>
                {t('common.cancel')}
              </Button>
              <Button variant="primary" onClick={() => void create()}>
                {t('creds.create')}
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        <Form errorText={formError || undefined}>
          <SpaceBetween size="m">
            <FormField label={t('common.name')} errorText={errors.name}>
              <Input value={draft.name} onChange={(e) => set({ name: e.detail.value })} />
            </FormField>
            <FormField label={t('creds.kind')} errorText={errors.kind}>
              <RadioGroup
                value={draft.kind}
                ariaLabel={t('creds.kind')}
                onChange={(e) => set({ kind: e.detail.value === 'registry' ? 'registry' : 's3' })}
                items={[
                  { value: 's3', label: t('creds.kindS3') },
                  { value: 'registry', label: t('creds.kindRegistry') },
                ]}
              />
            </FormField>
            <FormField label={t('common.description')} errorText={errors.description}>
              <Input value={draft.description} onChange={(e) => set({ description: e.detail.value })} />
            </FormField>
            {draft.kind === 's3' ? (
              <>
                <FormField label={t('creds.accessKey')} errorText={errors['value.access_key_id']}>
                  <Input value={draft.access_key_id} onChange={(e) => set({ access_key_id: e.detail.value })} />
                </FormField>
                <FormField label={t('creds.secretKey')} errorText={errors['value.secret_access_key']}>
                  <Input
                    type="password"
                    value={draft.secret_access_key}
                    onChange={(e) => set({ secret_access_key: e.detail.value })}
                  />
                </FormField>
                <FormField label={t('creds.sessionToken')} secondaryControl={undefined} description={t('wizard.optional')}>
                  <Input
                    type="password"
                    value={draft.session_token}
                    onChange={(e) => set({ session_token: e.detail.value })}
                  />
                </FormField>
              </>
            ) : (
              <>
                <FormField label={t('creds.regUser')} errorText={errors['value.username']} description={t('wizard.optional')}>
                  <Input value={draft.username} onChange={(e) => set({ username: e.detail.value })} />
                </FormField>
                <FormField label={t('creds.regPassword')} errorText={errors['value.password']}>
                  <Input type="password" value={draft.password} onChange={(e) => set({ password: e.detail.value })} />
                </FormField>
              </>
            )}
          </SpaceBetween>
        </Form>
      </Modal>
      <Modal
        visible={deleting}
        onDismiss={() => setDeleting(false)}
        header={t('tasks.confirmTitle', { action: t('common.delete') })}
        closeAriaLabel={t('common.close')}
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setDeleting(false)}>
                {t('common.cancel')}
              </Button>
              <Button variant="primary" onClick={() => void remove()}>
                {t('common.confirm')}
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        {t('creds.confirmDelete', { name: selected[0]?.name ?? '' })}
      </Modal>
    </>
  );
}
