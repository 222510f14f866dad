import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, definition, fromTask, stepOfField, validate, type Form } from './model';
import type { Task } from '../api/types';
import { en } from '../i18n/en';
import { zh } from '../i18n/zh';
import { format } from '../i18n';

const s3: Form = {
  ...EMPTY_FORM,
  srcType: 's3',
  srcEndpoint: 'http://127.0.0.1:7480',
  srcBucket: 'src-bucket',
  destType: 's3',
  destEndpoint: 'http://127.0.0.1:7480',
  destBucket: 'dst-bucket',
};

describe('wizard checks mirror the server', () => {
  it('refuses bad bucket names, a missing endpoint and out-of-range numbers', () => {
    expect(validate({ ...s3, srcBucket: 'Bad_Bucket' }, 'source')).toEqual({ srcBucket: 'wizard.badBucket' });
    expect(validate({ ...s3, srcBucket: '' }, 'source')).toEqual({ srcBucket: 'wizard.required' });
    expect(validate({ ...s3, srcEndpoint: 'localhost:7480' }, 'source')).toEqual({ srcEndpoint: 'wizard.badEndpoint' });
    expect(validate({ ...s3, srcType: 'Amazon_S3', srcEndpoint: '' }, 'source')).toEqual({});
    expect(validate({ ...s3, prefixMode: 'one' }, 'source')).toEqual({ srcPrefix: 'wizard.required' });
    expect(validate({ ...s3, workerNumber: '0' }, 'engine')).toEqual({ workerNumber: 'wizard.badNumber:1:1024' });
    expect(validate({ ...s3, finderDepth: '33' }, 'engine')).toEqual({ finderDepth: 'wizard.badNumber:0:32' });
    expect(validate({ ...s3, scheduleKind: 'cron', cron: '0 2 * *' }, 'engine')).toEqual({ schedule: 'wizard.cron' });
    expect(validate({ ...s3, destPutObjectSSEType: 'AWS_KMS' }, 'destination')).toEqual({ destPutObjectSSEKmsKeyId: 'wizard.required' });
  });

  it('needs ECR accounts of 12 digits and a non-empty image list', () => {
    const image: Form = { ...EMPTY_FORM, type: 'image', sourceType: 'Amazon_ECR', srcAccountId: '123', srcRegion: 'eu-west-1', destRegistry: 'r:5000' };
    expect(validate(image, 'images')).toEqual({ srcAccountId: 'wizard.badAccount', srcImageList: 'wizard.required' });
    expect(validate({ ...image, srcAccountId: '123456789012', srcList: 'ALL' }, 'images')).toEqual({});
  });

  it('needs a destination registry, or an ECR account and region', () => {
    const image: Form = { ...EMPTY_FORM, type: 'image', srcRegistry: 'http://127.0.0.1:5000', srcImageList: 'app:v1' };
    expect(validate(image, 'images')).toEqual({ destRegistry: 'wizard.required' });
    expect(validate({ ...image, destRegistry: 'http://127.0.0.1:5001' }, 'images')).toEqual({});
    expect(validate({ ...image, imageDestType: 'ecr', destAccountId: '12345678901x' }, 'images')).toEqual({
      destAccountId: 'wizard.badAccount',
      destRegion: 'wizard.required',
    });
  });

  it('bounds a fixed rate and the description, and checks only the step asked for', () => {
    expect(validate({ ...s3, scheduleKind: 'rate', rateMinutes: '0' }, 'engine')).toEqual({ schedule: 'wizard.badNumber:1:5256000' });
    expect(validate({ ...s3, scheduleKind: 'rate', rateMinutes: '1.5' }, 'engine')).toEqual({ schedule: 'wizard.badNumber:1:5256000' });
    expect(validate({ ...s3, scheduleKind: 'rate', rateMinutes: '1' }, 'engine')).toEqual({});
    expect(validate({ ...s3, description: 'x'.repeat(1025) }, 'engine')).toEqual({ description: 'wizard.badNumber:0:1024' });
    expect(validate({ ...s3, srcBucket: '' }, 'destination')).toEqual({});
    expect(validate({ ...s3, scheduleKind: 'cron', cron: '* * * * ? *' }, 'engine')).toEqual({});
  });
});

describe('task definitions', () => {
  it('sends the original parameter names and only what is set', () => {
    const d = definition({ ...s3, scheduleKind: 'rate', rateMinutes: '30', prefixMode: 'one', srcPrefix: 'data/' });
    expect(d.schedule).toBe('rate(30 minutes)');
    expect(d.parameters).toMatchObject({ srcType: 's3', srcBucket: 'src-bucket', srcPrefix: 'data/', destBucket: 'dst-bucket', skipCompare: 'false' });
    expect(d.parameters).not.toHaveProperty('srcCredentials');
    expect(d.parameters).not.toHaveProperty('destPutObjectSSEKmsKeyId');
  });

  it('reads a stored task back into the form', () => {
    const d = definition({ ...s3, scheduleKind: 'rate', rateMinutes: '120', srcCredentials: 'rgw' });
    const stored = { ...d.parameters, retryDelay: '600', include: 'a*' };  // no field in the form
    const task = { id: 't', type: 's3', description: '', schedule: 'rate(2 hours)', parameters: stored, revision: 1 } as unknown as Task;
    const back = fromTask(task);
    expect(back.rateMinutes).toBe('120');
    expect(back.srcCredentials).toBe('rgw');
    expect(back.extra).toEqual({ retryDelay: '600', include: 'a*' });
    expect(definition(back).parameters).toEqual(stored);  // an edit keeps them
  });

  it('puts a server error on the step of the field it names', () => {
    expect(stepOfField(s3, 'parameters.destBucket')).toEqual({ step: 'destination', name: 'destBucket' });
    expect(stepOfField(s3, 'parameters.srcEndpoint')).toEqual({ step: 'source', name: 'srcEndpoint' });
    expect(stepOfField(s3, 'schedule')).toEqual({ step: 'engine', name: 'schedule' });
    expect(stepOfField({ ...EMPTY_FORM, type: 'image' }, 'parameters.destPrefix')).toEqual({ step: 'images', name: 'imageDestPrefix' });
  });
});

describe('strings', () => {
  it('has every English key in Chinese, translated, with the same slots', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key], key).toBeTruthy();
      const slots = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
      expect(slots(zh[key]), key).toEqual(slots(en[key]));
    }
  });
  it('fills slots', () => {
    expect(format('Task {id} created', { id: 't-1' })).toBe('Task t-1 created');
    expect(format('{a} {missing}', { a: 1 })).toBe('1 {missing}');
  });
});
