// The create/edit wizard for S3 and image tasks, with the original's fields, client-side
// checks that mirror the server's, the server's own errors shown on the field they name
// (the wizard goes back to that field's step), and a review step.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import Wizard from '@cloudscape-design/components/wizard';
import { api, ApiError } from '../api/client';
import type { Credential, Task } from '../api/types';
import { useT, type Translate } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { navigate } from '../router';
import { useFlash } from '../flash';
import ConnectionTest from '../wizard/ConnectionTest';
import { reviewSections } from '../wizard/review';
import {
  ACLS,
  EMPTY_FORM,
  STORAGE_CLASSES,
  STORE_TYPES,
  definition,
  fromTask,
  stepOfField,
  steps,
  storeLabel,
  validate,
  type Errors,
  type Form,
  type Step,
} from '../wizard/model';

function errorText(t: Translate, e: string | undefined): string | undefined {
  if (!e) return undefined;
  if (e.startsWith('wizard.badNumber:')) {
    const [, lo, hi] = e.split(':');
    return t('wizard.badNumber', { lo, hi });
  }
  if (e.startsWith('wizard.')) return t(e as MessageKey);
  return e;  // the server's own words
}

export default function CreateTask({ editId }: { editId?: string }) {
  const t = useT();
  const flash = useFlash();
  const [form, setForm] = useState<Form>(EMPTY_FORM);
  const [loaded, setLoaded] = useState(!editId);
  const [revision, setRevision] = useState(0);
  const [stepIndex, setStepIndex] = useState(0);
  const [errors, setErrors] = useState<Errors>({});
  const [serverError, setServerError] = useState('');
  const [busy, setBusy] = useState(false);
  const [credentials, setCredentials] = useState<Credential[]>([]);

  useEffect(() => {
    api<{ credentials: Credential[] }>('GET', '/api/v1/credentials').then(
      (a) => setCredentials(a.credentials),
      () => setCredentials([]),
    );
  }, []);
  useEffect(() => {
    if (!editId) return;
    api<Task>('GET', `/api/v1/tasks/${encodeURIComponent(editId)}`).then(
      (task) => {
        setForm(fromTask(task));
        setRevision(task.revision);
        setLoaded(true);
      },
      (e) => flash({ type: 'error', text: e instanceof ApiError ? e.detail : String(e) }),
    );
  }, [editId, flash]);

  const stepList = steps(form.type);
  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) delete next[k];
      return next;
    });
  };
  const credentialOptions = useMemo(() => {
    const kind = form.type === 's3' ? 's3' : 'registry';
    return [
      { value: '', label: t('wizard.credentialsNone') },
      ...credentials.filter((c) => c.kind === kind).map((c) => ({ value: c.name, label: c.name, description: c.description })),
    ];
  }, [credentials, form.type, t]);

  if (!loaded) return <Spinner size="large" />;

  const err = (name: string) => errorText(t, errors[name]);
  const text = (name: keyof Form, label: string, extra: { description?: string; placeholder?: string; type?: 'text' | 'number' } = {}) => (
    <FormField label={label} errorText={err(name)} description={extra.description}>
      <Input
        value={String(form[name])}
        type={extra.type ?? 'text'}
        placeholder={extra.placeholder}
        onChange={(e) => set({ [name]: e.detail.value } as Partial<Form>)}
        invalid={Boolean(errors[name])}
      />
    </FormField>
  );
  const select = (name: keyof Form, label: string, options: { value: string; label: string }[]) => (
    <FormField label={label} errorText={err(name)}>
      <Select
        selectedOption={options.find((o) => o.value === form[name]) ?? options[0]}
        options={options}
        onChange={(e) => set({ [name]: e.detail.selectedOption.value ?? '' } as Partial<Form>)}
      />
    </FormField>
  );
  const storeOptions = STORE_TYPES.map((s) => ({ value: s, label: storeLabel(s) }));

  const sourceStep = (
    <Container header={<Header variant="h2">{t('wizard.step.source')}</Header>}>
      <SpaceBetween size="l">
        {select('srcType', t('wizard.storeType'), storeOptions)}
        {form.srcType === 's3' && text('srcEndpoint', t('wizard.endpoint'), { description: t('wizard.endpointHint') })}
        {text('srcBucket', t('wizard.bucket'))}
        <FormField label={t('wizard.prefixMode')}>
          <RadioGroup
            value={form.prefixMode}
            ariaLabel={t('wizard.prefixMode')}
            onChange={(e) => set({ prefixMode: e.detail.value as Form['prefixMode'] })}
            items={[
              { value: 'whole', label: t('wizard.prefixWhole') },
              { value: 'one', label: t('wizard.prefixOne') },
              { value: 'list', label: t('wizard.prefixList') },
            ]}
          />
        </FormField>
        {form.prefixMode === 'one' && text('srcPrefix', t('wizard.prefix'))}
        {form.prefixMode === 'list' && text('srcPrefixsListFile', t('wizard.prefixListFile'))}
        {select('srcCredentials', t('wizard.credentials'), credentialOptions)}
        {text('srcRegion', t('wizard.region'), { description: t('wizard.optional') })}
        <Checkbox checked={form.includeMetadata} onChange={(e) => set({ includeMetadata: e.detail.checked })}>
          {t('wizard.metadata')}
        </Checkbox>
      </SpaceBetween>
    </Container>
  );

  const destinationStep = (
    <Container header={<Header variant="h2">{t('wizard.step.destination')}</Header>}>
      <SpaceBetween size="l">
        {select('destType', t('wizard.storeType'), storeOptions)}
        {form.destType === 's3' && text('destEndpoint', t('wizard.endpoint'), { description: t('wizard.endpointHint') })}
        {text('destBucket', t('wizard.bucket'))}
        {text('destPrefix', t('wizard.prefix'), { description: t('wizard.optional') })}
        {select('destCredentials', t('wizard.credentials'), credentialOptions)}
        {text('destRegion', t('wizard.region'), { description: t('wizard.optional') })}
        {select('destStorageClass', t('wizard.storageClass'), STORAGE_CLASSES.map((s) => ({ value: s, label: s })))}
        {select('destAcl', t('wizard.acl'), ACLS.map((s) => ({ value: s, label: s })))}
        {select('destPutObjectSSEType', t('wizard.sse'), ['None', 'AES256', 'AWS_KMS'].map((s) => ({ value: s, label: s })))}
        {form.destPutObjectSSEType === 'AWS_KMS' && text('destPutObjectSSEKmsKeyId', t('wizard.sseKey'))}
      </SpaceBetween>
    </Container>
  );

  const imagesStep = (
    <Container header={<Header variant="h2">{t('wizard.step.images')}</Header>}>
      <SpaceBetween size="l">
        <FormField label={t('wizard.imageSourceType')}>
          <RadioGroup
            value={form.sourceType}
            ariaLabel={t('wizard.imageSourceType')}
            onChange={(e) => set({ sourceType: e.detail.value as Form['sourceType'] })}
            items={[
              { value: 'Public', label: t('wizard.imagePublic') },
              { value: 'Amazon_ECR', label: t('wizard.imageEcr') },
            ]}
          />
        </FormField>
        {form.sourceType === 'Public' && text('srcRegistry', t('wizard.registry'), { placeholder: 'registry-1.docker.io' })}
        {form.sourceType === 'Amazon_ECR' && text('srcAccountId', t('wizard.account'))}
        {form.sourceType === 'Amazon_ECR' && text('srcRegion', t('wizard.region'))}
        {select('srcCredential', t('wizard.credentials'), credentialOptions)}
        <FormField label={t('wizard.imageList')}>
          <RadioGroup
            value={form.srcList}
            ariaLabel={t('wizard.imageList')}
            onChange={(e) => set({ srcList: e.detail.value as Form['srcList'] })}
            items={[
              { value: 'SELECTED', label: t('wizard.imageSelected') },
              { value: 'ALL', label: t('wizard.imageAll') },
            ]}
          />
        </FormField>
        {form.srcList === 'SELECTED' && (
          <FormField label={t('wizard.imageNames')} errorText={err('srcImageList')}>
            <Textarea
              value={form.srcImageList}
              onChange={(e) => set({ srcImageList: e.detail.value })}
              invalid={Boolean(errors.srcImageList)}
              placeholder="library/alpine:3.20, nginx:ALL_TAGS"
            />
          </FormField>
        )}
        <FormField label={t('tasks.destination')}>
          <RadioGroup
            value={form.imageDestType}
            ariaLabel={t('tasks.destination')}
            onChange={(e) => set({ imageDestType: e.detail.value as Form['imageDestType'] })}
            items={[
              { value: 'registry', label: t('wizard.imagePublic') },
              { value: 'ecr', label: t('wizard.imageEcr') },
            ]}
          />
        </FormField>
        {form.imageDestType === 'registry' && text('destRegistry', t('wizard.registry'))}
        {form.imageDestType === 'ecr' && text('destAccountId', t('wizard.account'))}
        {form.imageDestType === 'ecr' && text('destRegion', t('wizard.region'))}
        {select('destCredential', t('wizard.credentials'), credentialOptions)}
        {text('imageDestPrefix', t('wizard.destPrefix'), { description: t('wizard.optional') })}
      </SpaceBetween>
    </Container>
  );

  const engineStep = (
    <Container header={<Header variant="h2">{t('wizard.step.engine')}</Header>}>
      <SpaceBetween size="l">
        {form.type === 's3' && (
          <ColumnLayout columns={3}>
            {text('workerNumber', t('wizard.workers'), { type: 'number' })}
            {text('finderDepth', t('wizard.finderDepth'), { type: 'number' })}
            {text('finderNumber', t('wizard.finderNumber'), { type: 'number' })}
          </ColumnLayout>
        )}
        {form.type === 's3' && (
          <Checkbox checked={form.compare} onChange={(e) => set({ compare: e.detail.checked })}>
            {t('wizard.compare')}
          </Checkbox>
        )}
        <FormField label={t('wizard.scheduleType')} errorText={err('schedule')}>
          <RadioGroup
            value={form.scheduleKind}
            ariaLabel={t('wizard.scheduleType')}
            onChange={(e) => set({ scheduleKind: e.detail.value as Form['scheduleKind'], schedule: undefined } as Partial<Form>)}
            items={[
              { value: 'once', label: t('wizard.scheduleOnce') },
              { value: 'rate', label: t('wizard.scheduleRate') },
              { value: 'cron', label: t('wizard.scheduleCron') },
            ]}
          />
        </FormField>
        {form.scheduleKind === 'rate' && (
          <FormField label={t('wizard.rateMinutes')}>
            <Input type="number" value={form.rateMinutes} onChange={(e) => set({ rateMinutes: e.detail.value })} />
          </FormField>
        )}
        {form.scheduleKind === 'cron' && (
          <FormField label={t('wizard.cron')}>
            <Input value={form.cron} onChange={(e) => set({ cron: e.detail.value })} placeholder="0 2 * * ? *" />
          </FormField>
        )}
        {text('description', t('wizard.description'), { description: t('wizard.optional') })}
        {!editId && (
          <Checkbox checked={form.start} onChange={(e) => set({ start: e.detail.checked })}>
            {t('wizard.startNow')}
          </Checkbox>
        )}
      </SpaceBetween>
    </Container>
  );

  const reviewStep = (
    <SpaceBetween size="l">
      {serverError && <Alert type="error">{serverError}</Alert>}
      <Container header={<Header variant="h2">{t('wizard.step.review')}</Header>}>
        <SpaceBetween size="l">
          {reviewSections(form, t).map((section, i) => (
            <SpaceBetween size="xs" key={section.title}>
              {i > 0 && <Header variant="h3">{section.title}</Header>}
              <KeyValuePairs columns={3} items={section.items} />
            </SpaceBetween>
          ))}
        </SpaceBetween>
      </Container>
      <ConnectionTest
        definition={definition(form)}
        onFieldError={(field, detail) => {
          const { name } = stepOfField(form, field);
          setErrors({ [name]: detail });
        }}
      />
    </SpaceBetween>
  );

  const typeStep = (
    <Container header={<Header variant="h2">{t('wizard.typeLabel')}</Header>}>
      <Tiles
        value={form.type}
        ariaLabel={t('wizard.typeLabel')}
        onChange={(e) => !editId && set({ type: e.detail.value === 'image' ? 'image' : 's3' })}
        items={[
          { value: 's3', label: t('type.s3'), description: t('wizard.typeS3'), disabled: Boolean(editId) && form.type !== 's3' },
          { value: 'image', label: t('type.image'), description: t('wizard.typeImage'), disabled: Boolean(editId) && form.type !== 'image' },
        ]}
      />
    </Container>
  );

  const content: Record<Step, ReactElement> = {
    type: typeStep,
    source: sourceStep,
    destination: destinationStep,
    images: imagesStep,
    engine: engineStep,
    review: reviewStep,
  };
  const titles: Record<Step, MessageKey> = {
    type: 'wizard.step.type',
    source: 'wizard.step.source',
    destination: 'wizard.step.destination',
    images: 'wizard.step.images',
    engine: 'wizard.step.engine',
    review: 'wizard.step.review',
  };

  const submit = async () => {
    for (const step of stepList) {
      const e = validate(form, step);
      if (Object.keys(e).length > 0) {
        setErrors(e);
        setStepIndex(stepList.indexOf(step));
        return;
      }
    }
    setBusy(true);
    setServerError('');
    try {
      let task: Task;
      if (editId) {
        const { description, schedule: sched, parameters: params } = definition(form);
        // If-Match: the revision the form was filled from; an edit made meanwhile is a 409.
        task = await api<Task>(
          'PATCH',
          `/api/v1/tasks/${encodeURIComponent(editId)}`,
          { description, schedule: sched, parameters: params },
          { 'If-Match': `"${revision}"` },
        );
      } else {
        task = await api<Task>('POST', `/api/v1/tasks?start=${form.start}`, definition(form));
        flash({ type: 'success', text: t('wizard.created', { id: task.id }) });
        if (task.warnings && task.warnings.length > 0) flash({ type: 'warning', text: t('wizard.warnings', { text: task.warnings.join('; ') }) });
      }
      navigate(`/tasks/${encodeURIComponent(task.id)}`);
    } catch (e) {
      if (e instanceof ApiError && e.field) {
        const { step, name } = stepOfField(form, e.field);
        setErrors({ [name]: e.detail });
        setStepIndex(Math.max(0, stepList.indexOf(step)));
        setServerError(t('wizard.serverError', { detail: e.detail }));
      } else {
        setServerError(t('wizard.serverError', { detail: e instanceof ApiError ? e.detail : String(e) }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Wizard
      activeStepIndex={stepIndex}
      isLoadingNextStep={busy}
      onCancel={() => navigate(editId ? `/tasks/${encodeURIComponent(editId)}` : '/tasks')}
      onSubmit={() => void submit()}
      onNavigate={(e) => {
        const target = e.detail.requestedStepIndex;
        if (target > stepIndex) {
          const found = validate(form, stepList[stepIndex]);
          if (Object.keys(found).length > 0) {
            setErrors(found);
            return;
          }
        }
        setStepIndex(target);
      }}
      i18nStrings={{
        stepNumberLabel: (n) => `${n}`,
        collapsedStepsLabel: (n, total) => `${n} / ${total}`,
        navigationAriaLabel: t('nav.navigation'),
        cancelButton: t('common.cancel'),
        previousButton: t('common.previous'),
        nextButton: t('common.next'),
        submitButton: editId ? t('wizard.save') : t('wizard.submit'),
        optional: t('wizard.optional'),
      }}
      steps={stepList.map((step) => ({
        title: step === 'type' && editId ? t('wizard.editTitle', { id: editId }) : t(titles[step]),
        errorText: step !== 'review' && serverError && stepList[stepIndex] === step ? serverError : undefined,
        content: content[step],
      }))}
    />
  );
}
