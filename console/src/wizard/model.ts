// The create/edit wizard's form, its checks (mirroring the server's: bucket names, number
// ranges, accounts, what each choice requires) and its translation to and from the task
// definition the API takes ({type, description, schedule, parameters} with the original's
// parameter names).
import type { Task } from '../api/types';
import type { MessageKey } from '../i18n/en';

export interface Form {
  type: 's3' | 'image';
  description: string;
  scheduleKind: 'once' | 'rate' | 'cron';
  rateMinutes: string;
  cron: string;
  start: boolean;
  // s3 source
  srcType: string;
  srcEndpoint: string;
  srcBucket: string;
  prefixMode: 'whole' | 'one' | 'list';
  srcPrefix: string;
  srcPrefixsListFile: string;
  srcCredentials: string;
  srcRegion: string;
  includeMetadata: boolean;
  // s3 destination
  destType: string;
  destEndpoint: string;
  destBucket: string;
  destPrefix: string;
  destCredentials: string;
  destRegion: string;
  destStorageClass: string;
  destAcl: string;
  destPutObjectSSEType: string;
  destPutObjectSSEKmsKeyId: string;
  // engine
  workerNumber: string;
  finderDepth: string;
  finderNumber: string;
  compare: boolean;
  // images
  sourceType: 'Public' | 'Amazon_ECR';
  srcRegistry: string;
  srcAccountId: string;
  srcCredential: string;
  srcList: 'ALL' | 'SELECTED';
  srcImageList: string;
  imageDestType: 'registry' | 'ecr';
  destRegistry: string;
  destAccountId: string;
  destCredential: string;
  imageDestPrefix: string;
  // Parameters of a stored task that the form has no field for (retryDelay, include,
  // ...): an edit keeps them (PATCH replaces all parameters).
  extra: Record<string, string>;
}

export const EMPTY_FORM: Form = {
  type: 's3',
  description: '',
  scheduleKind: 'once',
  rateMinutes: '60',
  cron: '',
  start: true,
  srcType: 'Amazon_S3',
  srcEndpoint: '',
  srcBucket: '',
  prefixMode: 'whole',
  srcPrefix: '',
  srcPrefixsListFile: '',
  srcCredentials: '',
  srcRegion: '',
  includeMetadata: true,
  destType: 'Amazon_S3',
  destEndpoint: '',
  destBucket: '',
  destPrefix: '',
  destCredentials: '',
  destRegion: '',
  destStorageClass: 'STANDARD',
  destAcl: 'bucket-owner-full-control',
  destPutObjectSSEType: 'None',
  destPutObjectSSEKmsKeyId: '',
  workerNumber: '4',
  finderDepth: '0',
  finderNumber: '1',
  compare: true,
  sourceType: 'Public',
  srcRegistry: '',
  srcAccountId: '',
  srcCredential: '',
  srcList: 'SELECTED',
  srcImageList: '',
  imageDestType: 'registry',
  destRegistry: '',
  destAccountId: '',
  destCredential: '',
  imageDestPrefix: '',
  extra: {},
};

// A store type's name as the wizard shows it.
export const storeLabel = (type: string) =>
  ({ Amazon_S3: 'Amazon S3', Aliyun_OSS: 'Aliyun OSS', Tencent_COS: 'Tencent COS', Qiniu_Kodo: 'Qiniu Kodo', s3: 'S3-compatible' })[type] ?? type;

export const STORE_TYPES = ['Amazon_S3', 'Aliyun_OSS', 'Tencent_COS', 'Qiniu_Kodo', 's3'];
export const STORAGE_CLASSES = ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'];
export const ACLS = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control'];

// A form field's name is the API's ("srcBucket" is "parameters.srcBucket" in a problem).
export type Errors = Partial<Record<string, MessageKey | string>>;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT = /^\d{12}$/;

function wholeNumber(text: string, lo: number, hi: number): boolean {
  if (!/^\d+$/.test(text.trim())) return false;
  const n = Number(text);
  return n >= lo && n <= hi;
}

export type Step = 'type' | 'source' | 'destination' | 'images' | 'engine' | 'review';

export function steps(type: Form['type']): Step[] {
  return type === 's3' ? ['type', 'source', 'destination', 'engine', 'review'] : ['type', 'images', 'engine', 'review'];
}

// Errors of one step: message keys (translated by the page) for the client's checks.
export function validate(form: Form, step: Step): Errors {
  const e: Errors = {};
  if (step === 'source') {
    if (!form.srcBucket) e.srcBucket = 'wizard.required';
    else if (!BUCKET.test(form.srcBucket)) e.srcBucket = 'wizard.badBucket';
    if (form.srcType === 's3' && !/^https?:\/\/\S+$/.test(form.srcEndpoint)) e.srcEndpoint = 'wizard.badEndpoint';
    if (form.prefixMode === 'one' && !form.srcPrefix) e.srcPrefix = 'wizard.required';
    if (form.prefixMode === 'list' && !form.srcPrefixsListFile) e.srcPrefixsListFile = 'wizard.required';
  } else if (step === 'destination') {
    if (!form.destBucket) e.destBucket = 'wizard.required';
    else if (!BUCKET.test(form.destBucket)) e.destBucket = 'wizard.badBucket';
    if (form.destType === 's3' && !/^https?:\/\/\S+$/.test(form.destEndpoint)) e.destEndpoint = 'wizard.badEndpoint';
    if (form.destPutObjectSSEType === 'AWS_KMS' && !form.destPutObjectSSEKmsKeyId) e.destPutObjectSSEKmsKeyId = 'wizard.required';
  } else if (step === 'images') {
    if (form.sourceType === 'Amazon_ECR') {
      if (!ACCOUNT.test(form.srcAccountId)) e.srcAccountId = 'wizard.badAccount';
      if (!form.srcRegion) e.srcRegion = 'wizard.required';
    }
    if (form.srcList === 'SELECTED' && !form.srcImageList.trim()) e.srcImageList = 'wizard.required';
    if (form.imageDestType === 'registry') {
      if (!form.destRegistry) e.destRegistry = 'wizard.required';
    } else {
      if (!ACCOUNT.test(form.destAccountId)) e.destAccountId = 'wizard.badAccount';
      if (!form.destRegion) e.destRegion = 'wizard.required';
    }
  } else if (step === 'engine') {
    if (form.type === 's3') {
      if (!wholeNumber(form.workerNumber, 1, 1024)) e.workerNumber = 'wizard.badNumber:1:1024';
      if (!wholeNumber(form.finderDepth, 0, 32)) e.finderDepth = 'wizard.badNumber:0:32';
      if (!wholeNumber(form.finderNumber, 1, 256)) e.finderNumber = 'wizard.badNumber:1:256';
    }
    if (form.scheduleKind === 'rate' && !wholeNumber(form.rateMinutes, 1, 5256000)) e.schedule = 'wizard.badNumber:1:5256000';
    if (form.scheduleKind === 'cron' && form.cron.trim().split(/\s+/).length !== 6) e.schedule = 'wizard.cron';
    if (form.description.length > 1024) e.description = 'wizard.badNumber:0:1024';
  }
  return e;
}

export function schedule(form: Form): string {
  if (form.scheduleKind === 'rate') {
    const n = Number(form.rateMinutes);
    return `rate(${n} ${n === 1 ? 'minute' : 'minutes'})`;
  }
  if (form.scheduleKind === 'cron') return `cron(${form.cron.trim()})`;
  return 'once';
}

export function parameters(form: Form): Record<string, string> {
  const p: Record<string, string> = { ...form.extra };
  const put = (name: string, value: string) => {
    if (value !== '') p[name] = value;
  };
  if (form.type === 's3') {
    put('srcType', form.srcType);
    if (form.srcType === 's3') put('srcEndpoint', form.srcEndpoint);
    put('srcBucket', form.srcBucket);
    if (form.prefixMode === 'one') put('srcPrefix', form.srcPrefix);
    if (form.prefixMode === 'list') put('srcPrefixsListFile', form.srcPrefixsListFile);
    put('srcCredentials', form.srcCredentials);
    put('srcRegion', form.srcRegion);
    put('includeMetadata', String(form.includeMetadata));
    put('destType', form.destType);
    if (form.destType === 's3') put('destEndpoint', form.destEndpoint);
    put('destBucket', form.destBucket);
    put('destPrefix', form.destPrefix);
    put('destCredentials', form.destCredentials);
    put('destRegion', form.destRegion);
    put('destStorageClass', form.destStorageClass);
    put('destAcl', form.destAcl);
    put('destPutObjectSSEType', form.destPutObjectSSEType);
    if (form.destPutObjectSSEType === 'AWS_KMS') put('destPutObjectSSEKmsKeyId', form.destPutObjectSSEKmsKeyId);
    put('workerNumber', form.workerNumber.trim());
    put('finderDepth', form.finderDepth.trim());
    put('finderNumber', form.finderNumber.trim());
    put('skipCompare', String(!form.compare));
  } else {
    put('sourceType', form.sourceType);
    if (form.sourceType === 'Amazon_ECR') {
      put('srcAccountId', form.srcAccountId);
      put('srcRegion', form.srcRegion);
    } else {
      put('srcRegistry', form.srcRegistry);
    }
    put('srcCredential', form.srcCredential);
    put('srcList', form.srcList);
    if (form.srcList === 'SELECTED') put('srcImageList', form.srcImageList.trim());
    if (form.imageDestType === 'registry') {
      put('destRegistry', form.destRegistry);
    } else {
      put('destAccountId', form.destAccountId);
      put('destRegion', form.destRegion);
    }
    put('destCredential', form.destCredential);
    put('destPrefix', form.imageDestPrefix);
  }
  return p;
}

export function definition(form: Form) {
  return { type: form.type, description: form.description, schedule: schedule(form), parameters: parameters(form) };
}

// The parameters the form has fields for, per type.
const MANAGED: Record<Form['type'], string[]> = {
  s3: ['srcType', 'srcEndpoint', 'srcBucket', 'srcPrefix', 'srcPrefixsListFile', 'srcCredentials', 'srcRegion',
    'includeMetadata', 'destType', 'destEndpoint', 'destBucket', 'destPrefix', 'destCredentials', 'destRegion',
    'destStorageClass', 'destAcl', 'destPutObjectSSEType', 'destPutObjectSSEKmsKeyId', 'workerNumber', 'finderDepth',
    'finderNumber', 'skipCompare'],
  image: ['sourceType', 'srcAccountId', 'srcRegion', 'srcRegistry', 'srcCredential', 'srcList', 'srcImageList',
    'destRegistry', 'destAccountId', 'destRegion', 'destCredential', 'destPrefix'],
};

// A stored task back into the form (edit).
export function fromTask(task: Task): Form {
  const p = task.parameters;
  const s = (name: string, fallback = '') => (p[name] === undefined || p[name] === null ? fallback : String(p[name]));
  const f: Form = { ...EMPTY_FORM, type: task.type, description: task.description, start: false };
  const managed = new Set(MANAGED[task.type]);
  f.extra = Object.fromEntries(
    Object.entries(p)
      .filter(([k]) => !managed.has(k))
      .map(([k, v]) => [k, String(v)]),
  );
  const rate = task.schedule.match(/^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/);
  if (rate) {
    const unit = rate[2].startsWith('minute') ? 1 : rate[2].startsWith('hour') ? 60 : 1440;
    f.scheduleKind = 'rate';
    f.rateMinutes = String(Number(rate[1]) * unit);
  } else if (task.schedule.startsWith('cron(')) {
    f.scheduleKind = 'cron';
    f.cron = task.schedule.slice(5, -1);
  }
  if (task.type === 's3') {
    Object.assign(f, {
      srcType: s('srcType', 'Amazon_S3'),
      srcEndpoint: s('srcEndpoint'),
      srcBucket: s('srcBucket'),
      srcPrefix: s('srcPrefix'),
      srcPrefixsListFile: s('srcPrefixsListFile'),
      prefixMode: s('srcPrefixsListFile') ? 'list' : s('srcPrefix') ? 'one' : 'whole',
      srcCredentials: s('srcCredentials'),
      srcRegion: s('srcRegion'),
      includeMetadata: s('includeMetadata', 'true') === 'true',
      destType: s('destType', 'Amazon_S3'),
      destEndpoint: s('destEndpoint'),
      destBucket: s('destBucket'),
      destPrefix: s('destPrefix'),
      destCredentials: s('destCredentials'),
      destRegion: s('destRegion'),
      destStorageClass: s('destStorageClass', 'STANDARD'),
      destAcl: s('destAcl', 'bucket-owner-full-control'),
      destPutObjectSSEType: s('destPutObjectSSEType', 'None'),
      destPutObjectSSEKmsKeyId: s('destPutObjectSSEKmsKeyId'),
      workerNumber: s('workerNumber', '4'),
      finderDepth: s('finderDepth', '0'),
      finderNumber: s('finderNumber', '1'),
      compare: s('skipCompare', 'false') !== 'true',
    });
  } else {
    Object.assign(f, {
      sourceType: s('sourceType', 'Public') === 'Amazon_ECR' ? 'Amazon_ECR' : 'Public',
      srcRegistry: s('srcRegistry'),
      srcAccountId: s('srcAccountId'),
      srcRegion: s('srcRegion'),
      srcCredential: s('srcCredential'),
      srcList: s('srcList', 'SELECTED') === 'ALL' ? 'ALL' : 'SELECTED',
      srcImageList: s('srcImageList'),
      imageDestType: s('destRegistry') ? 'registry' : 'ecr',
      destRegistry: s('destRegistry'),
      destAccountId: s('destAccountId'),
      destRegion: s('destRegion'),
      destCredential: s('destCredential'),
      imageDestPrefix: s('destPrefix'),
    });
  }
  return f;
}

// Which step shows a field the server named ("parameters.srcBucket", "schedule").
export function stepOfField(form: Form, field: string): { step: Step; name: string } {
  const name = field.startsWith('parameters.') ? field.slice('parameters.'.length) : field;
  if (form.type === 'image') {
    if (['schedule', 'description', 'concurrency'].includes(name)) return { step: 'engine', name };
    return { step: 'images', name: name === 'destPrefix' ? 'imageDestPrefix' : name };
  }
  if (name.startsWith('src') || name === 'source' || name === 'includeMetadata') return { step: 'source', name };
  if (name.startsWith('dest') || name === 'destination') return { step: 'destination', name };
  return { step: 'engine', name };
}
