// What the wizard's review step shows: the form's choices under the labels of the steps
// they were made in (not the API's parameter names), with values as the user picked them
// (store names, yes/no, "None (public data)"); parameters the form has no field for are
// listed last under their own names. Pure: the translator comes in as an argument.
import type { Translate } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { schedule, storeLabel, type Form } from './model';

export interface ReviewItem {
  label: string;
  value: string;
}

export interface ReviewSection {
  title: string;
  items: ReviewItem[];
}

export function reviewSections(form: Form, t: Translate): ReviewSection[] {
  const none = t('common.none');
  const yesNo = (b: boolean) => t(b ? 'common.yes' : 'common.no');
  const item = (label: MessageKey, value: string): ReviewItem => ({ label: t(label), value: value.trim() || none });
  const credentials = (name: string) => item('wizard.credentials', name || t('wizard.credentialsNone'));
  const sections: ReviewSection[] = [
    {
      title: t('wizard.typeLabel'),
      items: [
        item('wizard.typeLabel', t(`type.${form.type}` as MessageKey)),
        item('tasks.schedule', schedule(form)),
        item('wizard.description', form.description),
      ],
    },
  ];
  if (form.type === 's3') {
    const source = [item('wizard.storeType', storeLabel(form.srcType))];
    if (form.srcType === 's3') source.push(item('wizard.endpoint', form.srcEndpoint));
    source.push(item('wizard.bucket', form.srcBucket));
    if (form.prefixMode === 'one') source.push(item('wizard.prefix', form.srcPrefix));
    else if (form.prefixMode === 'list') source.push(item('wizard.prefixListFile', form.srcPrefixsListFile));
    else source.push(item('wizard.prefixMode', t('wizard.prefixWhole')));
    source.push(credentials(form.srcCredentials), item('wizard.region', form.srcRegion),
      item('wizard.metadata', yesNo(form.includeMetadata)));
    const destination = [item('wizard.storeType', storeLabel(form.destType))];
    if (form.destType === 's3') destination.push(item('wizard.endpoint', form.destEndpoint));
    destination.push(
      item('wizard.bucket', form.destBucket),
      item('wizard.prefix', form.destPrefix),
      credentials(form.destCredentials),
      item('wizard.region', form.destRegion),
      item('wizard.storageClass', form.destStorageClass),
      item('wizard.acl', form.destAcl),
      item('wizard.sse', form.destPutObjectSSEType),
    );
    if (form.destPutObjectSSEType === 'AWS_KMS') destination.push(item('wizard.sseKey', form.destPutObjectSSEKmsKeyId));
    sections.push(
      { title: t('wizard.step.source'), items: source },
      { title: t('wizard.step.destination'), items: destination },
      {
        title: t('wizard.step.engine'),
        items: [
          item('wizard.workers', form.workerNumber),
          item('wizard.finderDepth', form.finderDepth),
          item('wizard.finderNumber', form.finderNumber),
          item('wizard.compare', yesNo(form.compare)),
        ],
      },
    );
  } else {
    const ecr = form.sourceType === 'Amazon_ECR';
    const source = [item('wizard.imageSourceType', t(ecr ? 'wizard.imageEcr' : 'wizard.imagePublic'))];
    if (ecr) source.push(item('wizard.account', form.srcAccountId), item('wizard.region', form.srcRegion));
    else source.push(item('wizard.registry', form.srcRegistry));
    source.push(
      credentials(form.srcCredential),
      item('wizard.imageList', form.srcList === 'ALL' ? t('wizard.imageAll') : form.srcImageList.trim().split(/[\s,]+/).join(', ')),
    );
    const destination = [item('wizard.storeType', t(form.imageDestType === 'ecr' ? 'wizard.imageEcr' : 'wizard.imagePublic'))];
    if (form.imageDestType === 'ecr') destination.push(item('wizard.account', form.destAccountId), item('wizard.region', form.destRegion));
    else destination.push(item('wizard.registry', form.destRegistry));
    destination.push(credentials(form.destCredential), item('wizard.destPrefix', form.imageDestPrefix));
    sections.push(
      { title: t('wizard.step.source'), items: source },
      { title: t('wizard.step.destination'), items: destination },
    );
  }
  const extra = Object.entries(form.extra);
  if (extra.length > 0)
    sections.push({ title: t('wizard.otherParameters'), items: extra.map(([k, v]) => ({ label: k, value: v || none })) });
  return sections;
}
