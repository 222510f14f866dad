import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, type Form } from './model';
import { reviewSections } from './review';
import { en, type MessageKey } from '../i18n/en';
import { zh } from '../i18n/zh';
import { format, type Translate } from '../i18n';

const tEn: Translate = (key: MessageKey, vars) => format(en[key], vars);
const tZh: Translate = (key: MessageKey, vars) => format(zh[key], vars);

const s3: Form = {
  ...EMPTY_FORM,
  srcType: 's3',
  srcEndpoint: 'http://127.0.0.1:7480',
  srcBucket: 'photos',
  destType: 's3',
  destEndpoint: 'http://127.0.0.1:7480',
  destBucket: 'backup',
  destCredentials: 'rgw',
  extra: { multipartThreshold: '128Mi' },
};

const asMap = (sections: ReturnType<typeof reviewSections>) =>
  Object.fromEntries(sections.map((s) => [s.title, Object.fromEntries(s.items.map((i) => [i.label, i.value]))]));

describe('the review step', () => {
  it("shows an S3 task under the wizard's own labels, not the API's parameter names", () => {
    const sections = reviewSections(s3, tEn);
    expect(sections.map((s) => s.title)).toEqual(['What to replicate', 'Source', 'Destination', 'Engine and schedule', 'Other parameters']);
    const review = asMap(sections);
    expect(review['Source']['Store type']).toBe('S3-compatible');
    expect(review['Source']['Endpoint']).toBe('http://127.0.0.1:7480');
    expect(review['Source']['What to copy']).toBe('The whole bucket');
    expect(review['Source']['Credentials']).toBe('None (public data)');
    expect(review['Destination']['Credentials']).toBe('rgw');
    expect(review['Destination']['Prefix']).toBe('-');
    expect(review['Engine and schedule']['Compare with the destination before copying']).toBe('Yes');
    // A parameter the form has no field for keeps its own name.
    expect(review['Other parameters']).toEqual({ multipartThreshold: '128Mi' });
    const labels = sections.flatMap((s) => s.items.map((i) => i.label));
    for (const apiName of ['srcType', 'srcEndpoint', 'destBucket', 'destPutObjectSSEType', 'workerNumber', 'skipCompare'])
      expect(labels).not.toContain(apiName);
  });

  it('shows an image task with its list of images and both registries', () => {
    const form: Form = {
      ...EMPTY_FORM,
      type: 'image',
      srcRegistry: '127.0.0.1:5000',
      srcCredential: 'basic',
      srcImageList: 'app/web:v1,\napp/db:ALL_TAGS',
      destRegistry: '127.0.0.1:5001',
      imageDestPrefix: 'mirror',
      extra: {},
    };
    const review = asMap(reviewSections(form, tEn));
    expect(review['Source']['Images']).toBe('app/web:v1, app/db:ALL_TAGS');
    expect(review['Source']['Registry (host[:port])']).toBe('127.0.0.1:5000');
    expect(review['Destination']['Registry (host[:port])']).toBe('127.0.0.1:5001');
    expect(review['Destination']['Credentials']).toBe('None (public data)');
    expect(review['Destination']['Destination prefix']).toBe('mirror');
  });

  it('is all Chinese in Chinese', () => {
    const sections = reviewSections({ ...s3, extra: {} }, tZh);
    const english = new Set<string>(Object.values(en));
    for (const s of sections) {
      expect(english.has(s.title), s.title).toBe(false);
      for (const i of s.items) expect(english.has(i.label), i.label).toBe(false);
    }
  });
});
